"""The line table's columns as people name them: the names read, their precedence, the
company's own, and the header cells that nearly name a column."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.adapters.layouts.budget import COLUMN_NAMES
from pipeline.domain.column_names import (
    IGNORE,
    NEAR_MIN_LENGTH,
    ColumnName,
    ColumnNames,
    PassedOver,
    label_key,
)

# The names the issue asks for, each with the column it must be read as.
PEOPLES_NAMES = {
    "Qty": "unit_qty",
    "Quantity": "unit_qty",
    "Units": "unit_qty",
    "Unit": "uom",
    "U/M": "uom",
    "UOM": "uom",
    "Unit Price": "unit_cost",
    "Unit Cost": "unit_cost",
    "Rate": "unit_cost",
    "Cost Code": "cost_code",
    "Phase": "cost_code",
    "Code": "cost_code",
    "Cost Type": "cost_type",
    "Category": "cost_type",
    "Type": "cost_type",
    "Description": "description",
    "Amount": "amount",
    "Total": "amount",
    "Budget": "amount",
    "Original Budget": "amount",
    "Extended": "amount",
    "Ext.": "amount",
}


@pytest.mark.parametrize(("title", "field"), PEOPLES_NAMES.items())
def test_the_usual_names_are_read_case_and_punctuation_aside(title: str, field: str) -> None:
    for spelling in (title, title.upper(), title.lower(), f" {title.replace(' ', '_')}: "):
        assert COLUMN_NAMES.field_of(spelling) == field, spelling


def test_a_name_reads_one_column_only() -> None:
    keys = [label_key(name.text) for name in COLUMN_NAMES.names]
    assert len(keys) == len(set(keys))


def test_a_header_row_in_an_admins_own_layout_reads_every_column() -> None:
    row = dict(enumerate(["Code", "Description", "Type", "Qty", "Unit", "Unit Price", "Total"]))
    reading = COLUMN_NAMES.read(row)
    assert reading.columns == {
        "cost_code": 0,
        "description": 1,
        "cost_type": 2,
        "unit_qty": 3,
        "uom": 4,
        "unit_cost": 5,
        "amount": 6,
    }
    assert reading.passed_over == () and reading.near_names == ()


def test_of_two_columns_for_one_field_the_name_listed_first_is_read_and_the_other_told() -> None:
    reading = COLUMN_NAMES.read({2: "Total", 3: "Amount", 0: "Type", 1: "Cost Type", 4: "Code"})
    assert reading.columns == {"amount": 3, "cost_type": 1, "cost_code": 4}
    assert reading.passed_over == (
        PassedOver(col=0, title="Type", field="cost_type", read_col=1, read_title="Cost Type"),
        PassedOver(col=2, title="Total", field="amount", read_col=3, read_title="Amount"),
    )


def test_the_same_name_twice_reads_the_leftmost() -> None:
    reading = COLUMN_NAMES.read({5: "Amount", 2: "AMOUNT"})
    assert reading.columns == {"amount": 2}
    assert [p.col for p in reading.passed_over] == [5]


def test_type_is_the_cost_type_only_where_nothing_better_is_there() -> None:
    assert COLUMN_NAMES.read({0: "Type"}).columns == {"cost_type": 0}
    assert COLUMN_NAMES.read({0: "Type", 1: "Category"}).columns == {"cost_type": 1}


def test_a_companys_own_names_come_first_and_may_give_ours_another_meaning() -> None:
    names = COLUMN_NAMES.with_company({"Unit": "unit_cost", "Menge": "unit_qty", "Notes": IGNORE})
    assert names.field_of("unit") == "unit_cost"
    assert names.field_of("Menge") == "unit_qty"
    assert [n.text for n in names.of_field("unit_cost")][:2] == ["Unit", "Unit Cost"]
    assert [n.text for n in names.of_field("uom")] == ["UOM", "U/M", "Unit of Measure"]
    reading = names.read({0: "Notes", 1: "Menge", 2: "Qty"})
    assert reading.columns == {"unit_qty": 1}
    assert reading.ignored == frozenset({0})
    assert [p.title for p in reading.passed_over] == ["Qty"]  # told as column.duplicate
    assert COLUMN_NAMES.field_of("Menge") is None  # ours are left as they were


@pytest.mark.parametrize(
    ("title", "meant"),
    [
        ("Qantity", "Quantity"),
        ("Quanity", "Quantity"),
        ("Descripton", "Description"),
        ("Categroy", "Category"),
        ("Unit Cst", "Unit Cost"),
        ("Amout", "Amount"),
        ("Totals", "Total"),
        ("Cost Cde", "Cost Code"),
    ],
)
def test_a_header_a_letter_away_from_a_name_is_a_near_name(title: str, meant: str) -> None:
    near = COLUMN_NAMES.near(title)
    assert near is not None and near.text == meant


@pytest.mark.parametrize(
    "title",
    ["Notes", "Vendor", "Date", "Base", "Text", "Labor", "Material", "Comments", "Subtotal", ""],
)
def test_other_headers_are_no_near_names(title: str) -> None:
    assert COLUMN_NAMES.near(title) is None


def test_a_name_read_is_no_near_name_of_another() -> None:
    assert all(COLUMN_NAMES.near(name.text) is None for name in COLUMN_NAMES.names)


def test_an_ignored_name_is_neither_read_nor_near() -> None:
    names = COLUMN_NAMES.with_company({"Qantity": IGNORE})
    reading = names.read({0: "Qantity", 1: "Code", 2: "Type", 3: "Total"})
    assert reading.near_names == () and reading.ignored == frozenset({0})
    assert COLUMN_NAMES.read({0: "Qantity"}).near_names[0].name.text == "Quantity"


@given(st.sampled_from([n for n in COLUMN_NAMES.names if len(label_key(n.text)) >= 7]), st.data())
def test_a_long_name_with_one_letter_dropped_is_near_a_name_of_its_column(
    name: ColumnName, data: st.DataObject
) -> None:
    key = label_key(name.text)
    index = data.draw(st.integers(1, len(key) - 1))
    typo = key[:index] + key[index + 1 :]
    near = COLUMN_NAMES.near(typo)
    if COLUMN_NAMES.field_of(typo) is None:  # dropping a letter may make another name
        assert near is not None and near.field == name.field, (typo, near)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=NEAR_MIN_LENGTH - 1))
def test_a_short_header_is_never_a_near_name(title: str) -> None:
    assert COLUMN_NAMES.near(title) is None


def test_names_as_pairs_keep_their_order() -> None:
    names = ColumnNames.of([("B", "amount"), ("A", "amount")])
    assert [n.text for n in names.of_field("amount")] == ["B", "A"]
    assert names.read({0: "A", 1: "B"}).columns == {"amount": 1}
