"""ERP file layouts as data: which fields, in which order, how long, how written.

A profile is declared in ``templates/erp/<name>.toml`` and laid out by ``<name>.j2``; this
module formats the values of one record exactly as the declaration says. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pipeline.domain.text import clean_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
_GUARD_NOTE = f", with the {GUARD} the formula guard puts in front"


class LayoutError(ValueError):
    """A value does not fit the layout (too long, or not a number where one is needed)."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record: its name, where its value comes from and how it is written."""

    name: str
    value: str  # a line attribute (cost_code, amount, ...) or "=literal"
    kind: str = "text"  # text | number | date
    max_length: int | None = None
    decimals: int = 2


@dataclass(frozen=True)
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

    def limits(self) -> dict[str, int]:
        """The tightest length per budget field (cost_code, description, ...) in any record."""
        found: dict[str, int] = {}
        for fields in self.records.values():
            for spec in fields:
                if spec.kind == "text" and spec.max_length and not spec.value.startswith("="):
                    found[spec.value] = min(found.get(spec.value, spec.max_length), spec.max_length)
        return found

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
    return f"{number:.{spec.decimals}f}"
