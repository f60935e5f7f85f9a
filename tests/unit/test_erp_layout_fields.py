"""What a layout says about its fields, as intake asks it: which fields write a budget value
(tightest first), which characters no field can hold, and the job values made of the
header, the same the export writes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.erp_profile import FieldSpec, LayoutError, ProfileSpec
from pipeline.domain.erp_values import HEADER_FIELDS, header_values
from pipeline.domain.text import clean_text

LAYOUT = ProfileSpec(
    name="two-records",
    description="",
    extension="txt",
    records={
        "job": (
            FieldSpec(name="NAME", value="customer_job", max_length=83),
            FieldSpec(name="KIND", value="=E"),
        ),
        "line": (
            FieldSpec(name="MEMO", value="description", max_length=40),
            FieldSpec(name="SHORT", value="description", max_length=25),
            FieldSpec(name="ANY", value="description"),
            FieldSpec(name="QTY", value="unit_qty", kind="number", decimals=4),
            FieldSpec(name="QTY2", value="unit_qty", kind="number", decimals=2),
        ),
    },
)


def test_the_fields_writing_a_value_come_tightest_first_from_every_record() -> None:
    assert [f.name for f in LAYOUT.text_fields("description")] == ["SHORT", "MEMO", "ANY"]
    assert [f.name for f in LAYOUT.text_fields("customer_job")] == ["NAME"]
    assert [f.name for f in LAYOUT.number_fields("unit_qty")] == ["QTY2", "QTY"]
    assert LAYOUT.text_fields("unit_qty") == [] and LAYOUT.number_fields("description") == []
    assert LAYOUT.text_fields("E") == []  # a literal writes no budget value


@given(
    quoting=st.sampled_from(["minimal", "text", "none"]),
    delimiter=st.sampled_from([",", "\t", "|"]),
    text=st.text(st.sampled_from("ab,|\t\n\r\"'"), max_size=6),
)
def test_a_text_is_unwritable_exactly_when_cleaned_it_holds_a_character_the_layout_names(
    quoting: str, delimiter: str, text: str
) -> None:
    spec = ProfileSpec(
        name="p",
        description="",
        extension="txt",
        delimiter=delimiter,
        quoting=quoting,
        records={"line": LAYOUT.records["job"]},
    )
    try:
        spec.format_record("line", {"customer_job": "a" + text})  # "a": no formula guard
        written = True
    except LayoutError:
        written = False

    # every text is cleaned on its way into a record: tabs and line breaks become spaces
    assert written == (not any(c in clean_text(text) for c in spec.unwritable_characters()))


def test_the_job_values_are_made_of_the_header_fields_they_name() -> None:
    assert header_values("P-1001", "Riverside Clinic") == {
        "job": "P-1001",
        "project_name": "Riverside Clinic",
        "customer_job": "Riverside Clinic:P-1001",
    }
    assert header_values("P-1001", "")["customer_job"] == "P-1001"
    assert set(HEADER_FIELDS) == set(header_values("N", "M"))
