"""Specific, reportable failures. The CLI turns each into one line and an exit code."""

# The domain's own (its base too) live in the domain, which imports nothing of ours outside
# itself; they are named here as well, so one import reaches every failure.
from pipeline.domain.errors import InvalidTransition as InvalidTransition
from pipeline.domain.errors import PipelineError as PipelineError


class ConfigError(PipelineError):
    """The workspace configuration or a rules file is missing or malformed."""


class WorkspaceError(PipelineError):
    """The folder is not a budget-erp workspace."""


class UnreadableWorkbook(PipelineError):
    """A workbook could not be opened or has no budget in the expected layout."""


class EnvironmentFault(PipelineError):
    """The disk or the permissions failed us (full, read-only, I/O error), not the item."""


class StateBusy(EnvironmentFault):
    """Another program holds the state database's lock (a backup, a ``sqlite3`` shell)."""


class ErpListUnavailable(EnvironmentFault):
    """An ERP list file is there but holds no rows: the ERP is rewriting it, most likely.
    Budgets wait for it, rather than be refused against an empty list."""


class StateLost(WorkspaceError):
    """The folders show earlier work but the state is missing or empty: nothing may write
    until it is restored (or a fresh start is asked for explicitly)."""


class BackupRefused(PipelineError):
    """A backup that cannot be taken, or a file that is not ours to restore (or not now)."""


class StateDatabaseCorrupt(BaseException):
    """The state database is damaged (not a database, a malformed page).

    A ``BaseException``, as ``SystemExit`` is: the traps that contain one item's failure
    (``except Exception``) must let it through, for nobody may be answered from a damaged
    state; the command (the daemon too) stops with exit code 2.
    """


class UnreadableFile(PipelineError):
    """A file that is not a regular file, or too large to read at all."""


class FileTooLarge(UnreadableFile):
    """A file over the size it may have, refused before it is read."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, over the limit of {limit}")
        self.size, self.limit = size, limit


class DecisionBeingSaved(PipelineError):
    """A review workbook was saved moments ago or is still open: it may hold a decision."""


class UnknownProject(PipelineError):
    """No budget is recorded under that Project Number."""


class NotAnOpenJob(PipelineError):
    """The ERP's job list (rules/jobs.csv) has no open job of that number."""


class NotAllowed(PipelineError):
    """The person is not allowed to do that on that project (see rules/people.toml)."""


class ConcurrentUpdate(PipelineError):
    """Someone else changed the budget between our read and our write."""


class WorkbookChanged(PipelineError):
    """The file changed while it was being read (a writer still had it open): try again."""


class ExportError(PipelineError):
    """The ERP import file could not be written."""


class ExportNameTaken(ExportError):
    """Something we did not write appeared under the name an ERP file was about to take."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} exists; an export never overwrites")
        self.name = name


class MailTemporaryError(PipelineError):
    """The mail server said try later (4xx), or could not be reached: retry with backoff."""


class MailPermanentError(PipelineError):
    """The mail server refused the message for good (5xx): do not retry."""
