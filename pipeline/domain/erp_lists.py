"""The ERP's reference lists (jobs, cost codes, cost types) and what they allow. Pure data."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from pipeline.domain.identifiers import project_key


@dataclass(frozen=True, slots=True)
class Job:
    """A job (project) as the ERP knows it."""

    number: str
    name: str = ""
    open: bool = True
    sub_jobs_allowed: bool = True


@dataclass(frozen=True)
class ErpLists:
    """Exported ERP lists; a list that is None was not provided, so its checks are skipped."""

    jobs: dict[str, Job] | None = None
    # cost code -> the jobs it is limited to (empty: company-wide)
    cost_codes: dict[str, frozenset[str]] | None = None
    # cost type -> fnmatch patterns of the cost codes it is limited to (empty: any code)
    cost_types: dict[str, tuple[str, ...]] | None = None
    missing: tuple[str, ...] = field(default=())

    def job(self, number: str) -> Job | None:
        """The job with this number (ASCII case ignored, as budgets are keyed), if listed."""
        if self.jobs is None:
            return None
        return self.jobs.get(project_key(number))

    def codes_for(self, job_number: str) -> set[str]:
        """Cost codes usable on a job: company-wide ones plus those set up for that job."""
        if self.cost_codes is None:
            return set()
        wanted = project_key(job_number)
        return {code for code, jobs in self.cost_codes.items() if not jobs or wanted in jobs}

    def type_allows(self, cost_type: str, cost_code: str) -> bool:
        """Whether a listed cost type may be used with this cost code."""
        patterns = (self.cost_types or {}).get(cost_type, ())
        return not patterns or any(fnmatch.fnmatchcase(cost_code, p) for p in patterns)

    def suggest_code(self, typed: str, job_number: str) -> str | None:
        """The listed code a mangled one most likely meant: ``3300`` for ``03-300``.

        Excel drops leading zeros and separators when a code is typed as a number, so codes
        are compared by their digits without leading zeros; only a unique match is offered.
        """
        key = _digits(typed)
        if not key:
            return None
        matches = [code for code in self.codes_for(job_number) if _digits(code) == key]
        return matches[0] if len(matches) == 1 else None


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text).lstrip("0")
