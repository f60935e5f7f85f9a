"""ERP file layouts as data: which fields, in which order, how long, how written.

A profile is declared in ``templates/erp/<name>.toml`` and laid out by ``<name>.j2``; this
module formats the values of one record exactly as the declaration says. Pure.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pipeline.domain.text import clean_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
_GUARD_NOTE = f", with the {GUARD} the formula guard puts in front"
# Values of a field that name the job somewhere in the file (the ERP must know which job).
JOB_VALUES = ("job", "customer_job")
# Values of a field that carry the ERP's word for original or change (``workflow``, or the
# memo, which says it in words).
MARKING_VALUES = ("workflow", "memo")
LABEL = re.compile(r"[A-Za-z][A-Za-z0-9-]*")  # a change file's label, as names.export_seq reads it


class LayoutError(ValueError):
    """A value does not fit the layout (too long, or not a number where one is needed)."""


class ProfileDefinitionError(ValueError):
    """A profile's declaration cannot make faithful ERP files (it drops the sub job, names no
    job, or leaves a budget change looking like an original)."""


@dataclass(frozen=True, slots=True)
class ChangeMarking:
    """How the ERP tells an approved budget change from an original budget.

    Either a field of the file says it (``field``: Intacct's WFTYPE), or the choice is made by
    the person importing (Sage 300's "Import as an Approved Estimate Change", Spectrum's
    estimate type): then change files go to a folder of their own, named ``label`` in their
    file name and manifest, and ``import_option`` says what to choose at import.
    """

    field: str = ""  # the field that says it, when the file does
    label: str = ""  # when the importer chooses: "approved-estimate-change", in the file name
    import_option: str = ""  # what the person importing must choose for a change file
    reference_length: int = 0  # the ERP wants a reference of this many characters per change

    @property
    def by_folder(self) -> bool:
        """Whether change files are told apart by where they are (and their name) only."""
        return not self.field


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSpec:
    """One field of a record: its name, where its value comes from and how it is written."""

    name: str
    value: str  # a line attribute (cost_code, amount, ...) or "=literal"
    kind: str = "text"  # text | number | date
    max_length: int | None = None
    decimals: int = 2


@dataclass(frozen=True, kw_only=True)
class ProfileSpec:
    """One ERP import layout."""

    name: str
    description: str
    extension: str
    delimiter: str = ","
    line_ending: str = "\r\n"
    quoting: str = "minimal"  # minimal | text (every text field quoted) | none
    date_format: str = "%m/%d/%Y"
    header: bool = False
    sub_jobs: bool = True
    workflow: Mapping[str, str] = field(default_factory=dict)  # original/change -> ERP word
    records: Mapping[str, tuple[FieldSpec, ...]] = field(default_factory=dict)
    change: ChangeMarking = field(default_factory=ChangeMarking)

    def carries(self, value: str, record: str | None = None) -> bool:
        """Whether a field of ``record`` (of any record) takes its value from ``value``."""
        records = [self.records.get(record, ())] if record else list(self.records.values())
        return any(spec.value == value for fields in records for spec in fields)

    def line_values(self) -> frozenset[str]:
        """The budget fields each line record carries (``sub_job``, ``unit_qty``, ...)."""
        return frozenset(spec.value for spec in self.records.get("line", ()))

    def check_faithful(self) -> None:
        """Refuse a declaration whose files would lose meaning: sub jobs declared but carried
        by no line field (two sub jobs' lines would look alike), no field naming the job, or
        no way to tell a change from an original. ProfileDefinitionError names what is
        missing."""
        if "line" not in self.records:
            raise ProfileDefinitionError("a profile needs [[records.line]] fields")
        if self.sub_jobs and not self.carries("sub_job", "line"):
            raise ProfileDefinitionError(
                "it declares sub_jobs = true, but no field of its line record carries the sub "
                'job (value = "sub_job"): two sub jobs\' lines would look alike. Add the field '
                "the ERP takes it in, or set sub_jobs = false"
            )
        if not any(self.carries(value) for value in JOB_VALUES):
            raise ProfileDefinitionError(
                'no field names the job (value = "job"): the ERP could book the file on any '
                "job, or make a new one. Add the job's field to the line or a job record"
            )
        marking = self.change
        if marking.field:
            found = [
                spec
                for fields in self.records.values()
                for spec in fields
                if spec.name == marking.field
            ]
            if not found or not any(spec.value in MARKING_VALUES for spec in found):
                raise ProfileDefinitionError(
                    f"[change] field = {marking.field!r} names no field whose value is "
                    '"workflow" (the ERP\'s word for original or change)'
                )
        elif not (marking.label and marking.import_option):
            raise ProfileDefinitionError(
                "it says nowhere how the ERP tells a budget change from an original: add "
                '[change] field = "<the field whose value is workflow>", or, where the '
                'person importing chooses, [change] label = "..." and import_option = "..."'
            )
        if marking.label and not LABEL.fullmatch(marking.label):
            # The label goes into file names, which must read back as ours and no one else's.
            raise ProfileDefinitionError(
                f"[change] label = {marking.label!r}: a label is a letter, then letters, "
                "digits and hyphens (no _, space or dot), such as approved-estimate-change"
            )

    def limits(self) -> dict[str, int]:
        """The tightest length per budget field (cost_code, description, ...) in any record."""
        found: dict[str, int] = {}
        for fields in self.records.values():
            for spec in fields:
                if spec.kind == "text" and spec.max_length and not spec.value.startswith("="):
                    found[spec.value] = min(found.get(spec.value, spec.max_length), spec.max_length)
        return found

    def text_fields(self, value: str) -> list[FieldSpec]:
        """Every text field, in any record, that writes the budget field ``value``
        (``project_name``, ``description``, ...), the tightest first."""
        found = [
            spec
            for fields in self.records.values()
            for spec in fields
            if spec.kind == "text" and spec.value == value
        ]
        return sorted(found, key=lambda spec: spec.max_length or sys.maxsize)

    def number_fields(self, value: str) -> list[FieldSpec]:
        """Every number field, in any record, that writes the budget field ``value``
        (``unit_qty``, ``negative_amount``, ...), the fewest decimals first."""
        found = [
            spec
            for fields in self.records.values()
            for spec in fields
            if spec.kind == "number" and spec.value == value
        ]
        return sorted(found, key=lambda spec: spec.decimals)

    def unwritable_characters(self) -> str:
        """The characters no text field of this layout can hold: with ``quoting = "none"``
        nothing protects its delimiter or a line break (``_quote_text`` refuses them; the
        cleaning before it leaves no tab or line break, so a printable delimiter is what
        remains to refuse)."""
        return f"{self.delimiter}\n\r" if self.quoting == "none" else ""

    def header_row(self, record: str = "line") -> str:
        """The field names of a record, as a header line."""
        return self.delimiter.join(self._quote_text(f.name) for f in self.records[record])

    def format_record(self, record: str, values: Mapping[str, object]) -> str:
        """One record: every field formatted, quoted and joined with the delimiter."""
        return self.delimiter.join(self._format(spec, values) for spec in self.records[record])

    def _format(self, spec: FieldSpec, values: Mapping[str, object]) -> str:
        raw = spec.value[1:] if spec.value.startswith("=") else values.get(spec.value)
        if spec.kind == "number":
            return "" if raw is None or raw == "" else _number(raw, spec)
        if spec.kind == "date":
            return raw.strftime(self.date_format) if isinstance(raw, date) else ""
        given = "" if raw is None else str(raw)
        if not spec.value.startswith("="):  # a literal is the layout's own word, as declared
            # Cleaned as the review workbook's text is (intake kept the budget so already):
            # whatever reaches a record, the ERP gets what the approver saw.
            given = clean_text(given)
        # Guarded before the length check: the ' takes a character of the ERP's field.
        text = given if spec.value.startswith("=") else guard_text(given)
        if spec.max_length is not None and len(text) > spec.max_length:
            note = _GUARD_NOTE if text != given else ""
            raise LayoutError(
                f"{spec.name} takes at most {spec.max_length} characters, "
                f"not {len(text)} ({text!r}{note})"
            )
        return self._quote_text(text)

    def _quote_text(self, text: str) -> str:
        if self.quoting == "text":
            return '"' + text.replace('"', '""') + '"'
        if self.quoting == "minimal" and any(c in text for c in (self.delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        if self.quoting == "none" and any(c in text for c in (self.delimiter, "\n", "\r")):
            raise LayoutError(f"{text!r} holds a delimiter or line break the layout cannot hold")
        return text


def guard_text(text: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection)."""
    return f"{GUARD}{text}" if is_guarded(text) else text


def is_guarded(text: str) -> bool:
    """Whether the ERP file writes this text with the guard's ``'`` in front: one character
    more in its field."""
    return text.startswith(FORMULA_TRIGGERS)


def _number(raw: object, spec: FieldSpec) -> str:
    try:
        number = Decimal(str(raw))
    except ArithmeticError as exc:
        raise LayoutError(f"{spec.name} needs a number, not {raw!r}") from exc
    if number.is_zero():  # -0 (a zero negated, or typed so) is 0 to the ERP, never "-0.00"
        number = abs(number)
    written = f"{number:.{spec.decimals}f}"
    if Decimal(written) != number:  # the ERP would get another figure than was approved
        raise LayoutError(
            f"{spec.name} takes {spec.decimals} decimals: {number.normalize():f} "
            f"would reach the ERP as {written}"
        )
    return written
