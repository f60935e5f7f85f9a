"""The line table's columns as people name them: the names each field is read under, in
order of precedence, which header cell each field is then read from, and the header cells
that are not read though they look like a field's name. Pure."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# The fields of a budget line, in the order of the contract's layout.
FIELDS = (
    "sub_job",
    "cost_code",
    "cost_type",
    "description",
    "unit_qty",
    "uom",
    "unit_cost",
    "amount",
)
REQUIRED_FIELDS = ("cost_code", "cost_type", "amount")
IGNORE = "ignore"  # a company's name for a column that is neither read nor reported
# How alike a header and a name must be (difflib's ratio, 0 to 1) to call the header a
# near miss of the name. 0.85 takes one letter missing, extra or swapped in a name of six
# letters or more (Qantity: 0.93 of Quantity, Descripton, Categroy 0.88) and leaves headers
# a letter away from a short name alone (Date and Rate: 0.75).
NEAR_RATIO = 0.85
# Below five letters one letter makes another word (Base and Phase: 0.89, Text and Ext):
# so short a header is no near miss. A short header over numbers is still reported, as a
# column of numbers not read.
NEAR_MIN_LENGTH = 5
_NOT_LETTERS = re.compile(r"[^0-9a-z]")


def label_key(value: object) -> str:
    """A label as it is matched: case, spaces and punctuation aside (``U/M`` is ``um``)."""
    return _NOT_LETTERS.sub("", str(value).casefold())


@dataclass(frozen=True, slots=True)
class ColumnName:
    """One name a column is read under: ``Unit Price`` for ``unit_cost``."""

    text: str
    field: str  # one of FIELDS, or IGNORE
    company: bool = False  # from the company's rules rather than ours


@dataclass(frozen=True, slots=True, kw_only=True)
class PassedOver:
    """A header cell naming a field that another column is read for, by precedence."""

    col: int
    title: str
    field: str
    read_col: int
    read_title: str


@dataclass(frozen=True, slots=True)
class NearName:
    """A header cell that is not a name we read but nearly one: ``Qantity``."""

    col: int
    title: str
    name: ColumnName


@dataclass(frozen=True, kw_only=True)
class HeaderReading:
    """What a header row says: the column of each field read, and the cells not read."""

    columns: dict[str, int]
    titles: dict[int, str]  # every titled cell of the row, by column
    passed_over: tuple[PassedOver, ...] = ()
    near_names: tuple[NearName, ...] = ()
    ignored: frozenset[int] = frozenset()  # columns the company says not to read


@dataclass(frozen=True)
class ColumnNames:
    """The names of the line table's columns, the first a field's precedence."""

    names: tuple[ColumnName, ...]
    _by_key: dict[str, tuple[int, ColumnName]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, tuple[int, ColumnName]] = {}
        for rank, name in enumerate(self.names):
            by_key.setdefault(label_key(name.text), (rank, name))
        object.__setattr__(self, "_by_key", by_key)

    @classmethod
    def of(cls, spellings: Iterable[tuple[str, str]]) -> ColumnNames:
        """Our own names, as ``(text, field)`` pairs in order of precedence."""
        return cls(tuple(ColumnName(text, name) for text, name in spellings))

    def with_company(self, own: Mapping[str, str]) -> ColumnNames:
        """The company's own names first (they win), then ours that they do not rename."""
        company = [ColumnName(text, name, company=True) for text, name in own.items()]
        taken = {label_key(name.text) for name in company}
        return ColumnNames((*company, *(n for n in self.names if label_key(n.text) not in taken)))

    def field_of(self, value: object) -> str | None:
        """The field a header cell names (or IGNORE), None when it names none."""
        found = self._by_key.get(label_key(value)) if value.__class__ is str else None
        return found[1].field if found else None

    def of_field(self, name: str) -> list[ColumnName]:
        """The names ``name`` is read under, the first winning."""
        return [n for n in self.names if n.field == name]

    def near(self, title: str) -> ColumnName | None:
        """The name ``title`` most likely meant, if it is a near miss of one we read."""
        key = label_key(title)
        if len(key) < NEAR_MIN_LENGTH or key in self._by_key:
            return None
        # difflib, from the standard library: a header is a word or two, compared with some
        # fifty names once per budget, so its ratio (matching characters over both lengths)
        # is cheap enough, and it rates a dropped, doubled or swapped letter alike.
        best, best_ratio = None, NEAR_RATIO
        matcher = difflib.SequenceMatcher(None, b=key)
        for name in self.names:
            if name.field == IGNORE:
                continue
            matcher.set_seq1(label_key(name.text))
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and best is None):
                best, best_ratio = name, ratio
        return best

    def read(self, row: Mapping[int, str]) -> HeaderReading:
        """Which column each field is read from, given a header row's titles by column: the
        name that comes first in precedence, and the leftmost of two with the same name.
        The other columns naming a field read are passed over; the titles that name no
        field but nearly one are near names."""
        claims: dict[str, list[tuple[int, int]]] = {}  # field -> (rank, column)
        ignored = set()
        for col, title in row.items():
            found = self._by_key.get(label_key(title))
            if found is None:
                continue
            rank, spelling = found
            if spelling.field == IGNORE:
                ignored.add(col)
            else:
                claims.setdefault(spelling.field, []).append((rank, col))
        columns: dict[str, int] = {}
        passed: list[PassedOver] = []
        for name, claimed in claims.items():
            (_, col), *others = sorted(claimed)
            columns[name] = col
            passed += [
                PassedOver(col=c, title=row[c], field=name, read_col=col, read_title=row[col])
                for _, c in others
            ]
        near = [
            NearName(col, title, match)
            for col, title in row.items()
            if col not in ignored and (match := self.near(title)) is not None
        ]
        return HeaderReading(
            columns=columns,
            titles=dict(row),
            passed_over=tuple(sorted(passed, key=lambda p: p.col)),
            near_names=tuple(sorted(near, key=lambda n: n.col)),
            ignored=frozenset(ignored),
        )
