"""The ERP's reference lists (jobs, cost codes, cost types) and what they allow. Pure data."""

from __future__ import annotations

import fnmatch
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pipeline.domain.identifiers import project_key

# Codes and types compare like Project Numbers: ASCII case only, nothing else folded.
_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
SEPARATORS = {"-": "dash", ".": "dot", " ": "space"}
_NO_SEPARATORS = str.maketrans(dict.fromkeys(SEPARATORS))
# Characters people type for one another (after folding): O for 0, I and l for 1.
LOOKALIKES = str.maketrans({"o": "0", "i": "1", "l": "1"})
# Between a code and its description in the dropdowns we write: "03-300 \u2013 Concrete". An en
# dash with a space each side: a code never holds it (codes are plain ASCII), so the code is
# whatever comes before it.
PICK_SEPARATOR = " \u2013 "


def pick_entry(code: str, description: str) -> str:
    """A dropdown's entry: ``03-300 \u2013 Concrete``, or the code alone when it has no
    description."""
    return f"{code}{PICK_SEPARATOR}{description}" if description else code


def picked_code(text: str) -> str:
    """The code of a dropdown's entry (``03-300`` of ``03-300 \u2013 Concrete``); any other text
    as it is."""
    code, separator, _ = text.partition(PICK_SEPARATOR)
    return code.strip() if separator and code.strip() else text


@dataclass(frozen=True, slots=True)
class Job:
    """A job (project) as the ERP knows it."""

    number: str
    name: str = ""
    open: bool = True
    sub_jobs_allowed: bool = True


def fold(text: str) -> str:
    """What a code or type is matched by: ASCII case ignored (``m`` is ``M``)."""
    return text.translate(_FOLD)


def skeleton(text: str) -> str:
    """What a near miss is matched by: case folded, O read as 0 and I or l as 1,
    separators (dash, dot, space) and leading zeros dropped: ``3300`` for ``03-300``."""
    bare = fold(text).translate(_NO_SEPARATORS).translate(LOOKALIKES)
    return bare.lstrip("0") or bare[:1]


@dataclass(frozen=True)
class Spellings:
    """One ERP list's entries, indexed to find the one a typed value stands for. The indexes
    are built on first use: a budget typed exactly as listed never needs them."""

    listed: frozenset[str]

    @classmethod
    def of(cls, entries: Iterable[str]) -> Spellings:
        """The entries of one list."""
        return cls(frozenset(entries))

    @cached_property
    def by_fold(self) -> Mapping[str, tuple[str, ...]]:
        """Entries by their case-folded form, so each typed value is one look-up."""
        return _index(self.listed, fold)

    @cached_property
    def by_skeleton(self) -> Mapping[str, tuple[str, ...]]:
        """Entries by their ``skeleton``, for near misses."""
        return _index(self.listed, skeleton)

    def spelling(self, typed: str) -> str | None:
        """The listed entry ``typed`` is: itself when listed, else the one entry it equals but
        for case; None when no entry, or several differing only in case, match."""
        if typed in self.listed:
            return typed
        found = self.by_fold.get(fold(typed), ())
        return found[0] if len(found) == 1 else None

    def case_variants(self, typed: str) -> tuple[str, ...]:
        """Listed entries ``typed`` equals but for case; two or more cannot be told apart."""
        return () if typed in self.listed else self.by_fold.get(fold(typed), ())

    def suggestion(self, typed: str) -> str | None:
        """The one listed entry an unlisted value most likely meant (see ``skeleton``)."""
        if not typed or self.spelling(typed) is not None:
            return None
        found = self.by_skeleton.get(skeleton(typed), ())
        return found[0] if len(found) == 1 else None


def _index(entries: Iterable[str], key: Callable[[str], str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for entry in sorted(entries):
        index.setdefault(key(entry), []).append(entry)
    return {k: tuple(v) for k, v in index.items()}


@dataclass(frozen=True, kw_only=True)
class ErpLists:
    """Exported ERP lists; a list that is None was not provided, so its checks are skipped."""

    jobs: dict[str, Job] | None = None
    # cost code -> the jobs it is limited to (empty: company-wide)
    cost_codes: dict[str, frozenset[str]] | None = None
    # cost type -> fnmatch patterns of the cost codes it is limited to (empty: any code)
    cost_types: dict[str, tuple[str, ...]] | None = None
    missing: tuple[str, ...] = field(default=())
    # what each cost code and cost type is called, for the dropdowns ("" or absent: unnamed)
    code_names: Mapping[str, str] = field(default_factory=dict)
    type_names: Mapping[str, str] = field(default_factory=dict)

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

    def code_spellings(self, job_number: str) -> Spellings | None:
        """The cost codes usable on a job, indexed for matching (None: no list)."""
        return None if self.cost_codes is None else Spellings.of(self.codes_for(job_number))

    def type_spellings(self) -> Spellings | None:
        """The cost types, indexed for matching (None: no list)."""
        return None if self.cost_types is None else Spellings.of(self.cost_types)

    def code_entries(self, job_number: str) -> list[str]:
        """The cost code dropdown of a job: ``03-300 \u2013 Concrete``, in the codes' order."""
        return [
            pick_entry(c, self.code_names.get(c, "")) for c in sorted(self.codes_for(job_number))
        ]

    def type_entries(self) -> list[str]:
        """The cost type dropdown: ``L \u2013 Labour``, in the types' order."""
        return [pick_entry(t, self.type_names.get(t, "")) for t in sorted(self.cost_types or {})]

    def type_allows(self, cost_type: str, cost_code: str) -> bool:
        """Whether a listed cost type may be used with this cost code."""
        patterns = (self.cost_types or {}).get(cost_type, ())
        return not patterns or any(fnmatch.fnmatchcase(cost_code, p) for p in patterns)
