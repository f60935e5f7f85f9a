"""Every built-in ERP layout, over random budgets (sub jobs, quantities, changes, removed
lines): within one file no two records share the ERP's line key, and an independent reader
(tests/support/erp_readers.py) gets every line's key, quantity, unit and amount back to the
cent; a change file, added to what the ERP has, gives the new version exactly."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.adapters.erp.profiles import PROFILE_NAMES, ProfileWriter, load_profile
from pipeline.adapters.mail.render import template_environment
from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.changes import delta_lines
from pipeline.domain.exports import ExportKind
from pipeline.services.ports import ExportJob
from tests.support.erp_readers import (
    CARRIES_QUANTITY,
    CARRIES_SUB_JOB,
    CARRIES_UNIT,
    ErpRecord,
    read_erp_file,
)

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
Key = tuple[str, str, str]  # sub job, cost code, cost type

cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: Decimal(n) / 100)
quantities = st.none() | st.integers(min_value=0, max_value=10**7).map(lambda n: Decimal(n) / 100)
units = st.sampled_from(["", "HR", "SF", "EA", "LS"])


def _line(key: Key, amount: Decimal, quantity: Decimal | None, unit: str) -> BudgetLine:
    return BudgetLine(
        row=1,
        sub_job=key[0],
        cost_code=key[1],
        cost_type=key[2],
        description=f"Line {key[1]}",
        amount=amount,
        unit_qty=quantity,
        uom=unit,
    )


@st.composite
def versions(draw: st.DrawFn, sub_jobs: bool) -> tuple[list[BudgetLine], list[BudgetLine]]:
    """An exported version and the next one: some lines changed (amount, quantity, unit),
    some removed, some added; the same code and type in several sub jobs."""
    subs = ["", "MOB", "GAR", "TI2"] if sub_jobs else [""]
    keys = st.tuples(
        st.sampled_from(subs),
        st.sampled_from(["01-100", "03-300", "09-290"]),
        st.sampled_from("LMS"),
    )
    old_keys = draw(st.lists(keys, min_size=1, max_size=12, unique=True))
    new_keys = draw(st.lists(keys, min_size=1, max_size=12, unique=True))
    old = [_line(k, draw(cents), draw(quantities), draw(units)) for k in old_keys]
    kept = {line.key: line for line in old}
    new = []
    for key in new_keys:
        before = kept.get(_as_key(key))
        if before is not None and draw(st.booleans()):  # left as it was
            new.append(before)
        else:
            new.append(_line(key, draw(cents), draw(quantities), draw(units)))
    return old, new


def _as_key(key: Key) -> LineKey:
    return LineKey(*key)


def _records(profile: str, job: ExportJob) -> list[ErpRecord]:
    with tempfile.TemporaryDirectory() as tmp:
        writer = ProfileWriter(lambda: template_environment(Path(tmp) / "none"), Path(tmp))
        target = Path(tmp) / "out"
        writer(profile, job, target)
        return read_erp_file(profile, target.read_bytes())


def _by_key(profile: str, records: list[ErpRecord]) -> dict[Key, ErpRecord]:
    keys = [r.key for r in records]
    assert len(set(keys)) == len(keys), f"two records share a line key in {profile}"
    assert {r.job for r in records} <= {"P-1001"}
    return {(r.sub_job, r.cost_code, r.cost_type): r for r in records}


def _erp_key(profile: str, line: BudgetLine) -> Key:
    return (line.sub_job if profile in CARRIES_SUB_JOB else "", line.cost_code, line.cost_type)


@pytest.mark.parametrize("profile", PROFILE_NAMES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_an_original_reads_back_line_for_line(profile: str, data: st.DataObject) -> None:
    sub_jobs = load_profile(Path("/nonexistent"), profile).sub_jobs
    lines, _ = data.draw(versions(sub_jobs))
    job = ExportJob(
        project_number="P-1001",
        project_name="Riverside Clinic",
        version=1,
        kind=ExportKind.ORIGINAL,
        lines=lines,
        at=AT,
    )

    read = _by_key(profile, _records(profile, job))

    assert len(read) == len(lines)
    for line in lines:
        record = read[_erp_key(profile, line)]
        assert record.amount == line.amount
        if profile in CARRIES_QUANTITY:
            assert record.quantity == line.unit_qty
        if profile in CARRIES_UNIT:
            assert record.unit == line.uom
        assert record.marker in ("original", "")


@pytest.mark.parametrize("profile", PROFILE_NAMES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_change_added_to_the_exported_version_gives_the_new_one(
    profile: str, data: st.DataObject
) -> None:
    sub_jobs = load_profile(Path("/nonexistent"), profile).sub_jobs
    old, new = data.draw(versions(sub_jobs))
    changes = delta_lines(old, new)
    job = ExportJob(
        project_number="P-1001",
        project_name="Riverside Clinic",
        version=2,
        kind=ExportKind.CHANGE,
        lines=changes,
        at=AT,
    )

    read = _by_key(profile, _records(profile, job)) if changes else {}

    before = {_erp_key(profile, line): line for line in old}
    after = {_erp_key(profile, line): line for line in new}
    for key in before.keys() | after.keys():
        was, now, change = before.get(key), after.get(key), read.get(key)
        amount = (was.amount if was else 0) + (change.amount if change else 0)
        assert amount == (now.amount if now else 0), key
        if profile in CARRIES_QUANTITY and (was or now):
            quantity = (was.unit_qty if was and was.unit_qty else 0) + (
                change.quantity if change and change.quantity else 0
            )
            assert quantity == (now.unit_qty if now and now.unit_qty else 0), key
        if profile in CARRIES_UNIT and change and now and now.unit_qty is not None:
            assert change.unit == now.uom, key
        if change:
            assert change.marker in ("approved change", ""), key
    assert len(read) == len(changes)
