"""The domain's own failures, and the base every reportable failure of ours shares
(``pipeline.errors`` re-exports both, beside the failures of the outside world)."""


class PipelineError(Exception):
    """Base class for expected failures that a person can act on."""


class InvalidTransition(PipelineError):
    """The budget's state does not allow that action."""
