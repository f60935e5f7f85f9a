"""Sub jobs and budget changes through the daemon, in the layouts that take sub jobs: the
same cost code and type in several sub jobs stay apart in the ERP file, a change in one sub
job reaches the ERP as that sub job's difference (quantity beside amount), and a Sage 300
change, which only the person importing can mark as one, lands in ``outbox/changes/``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.erp_readers import read_erp_file
from tests.support.messages import body
from tests.support.waiting import wait_for
from tests.support.workbooks import UNIT_HEADERS, Line
from tests.support.workspace import Workspace

# Sub jobs MOB, GAR and TI2 beside the main job, with equal code / type pairs in each.
LINES: list[Line] = [
    ("", "01-100", "L", "General conditions", 12000, 400, "HR", 30),
    ("MOB", "01-100", "L", "Mobilisation crew", 2500.25, 50, "HR", 50.005),
    ("GAR", "01-100", "L", "Garage crew", 1800, None, None, None),
    ("TI2", "01-100", "L", "Fit-out crew", 950.5, None, None, None),
    ("GAR", "09-290", "S", "Drywall", 33480, 11160, "SF", 3),
    ("TI2", "09-290", "S", "Drywall", 100440, 33480, "SF", 3),
    ("", "09-290", "S", "Drywall", 23389.2, None, None, None),
]
# The change: drywall in TI2 from 33,480 to 36,400 SF; nothing else moves.
CHANGED: list[Line] = [
    line if line[:3] != ("TI2", "09-290", "S") else (*line[:4], 109200, 36400, "SF", 3)
    for line in LINES
]
OUTBOX_FILES = {  # profile: (original, change), as found under outbox/
    "sage300": ("P-1001_v1_001.txt", "changes/P-1001_v2_001_approved-estimate-change.txt"),
    "sage-intacct": ("P-1001_v1_001.csv", "P-1001_v2_001_change.csv"),
    "generic-csv": ("P-1001_v1_001.csv", "P-1001_v2_001_change.csv"),
}


@pytest.fixture(params=sorted(OUTBOX_FILES))
def daemon(
    workspace: Workspace, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Daemon]:
    """The daemon on a workspace whose ERP takes the parametrised layout."""
    fast_settings(workspace)
    workspace.configure("export", profile=request.param)
    running = Daemon.start(workspace, tmp_path / "daemon.log")
    yield running
    running.kill()


def _accept(daemon: Daemon, version: int) -> None:
    ws = daemon.ws
    assert wait_for(ws.review(version=version).exists), daemon.output()
    # The pass that wrote it is over: the approver's save cannot overtake its bookkeeping.
    sent = f"P-1001: sent for approval. version {version}"
    assert daemon.wait_for_output(sent), daemon.output()
    ws.decide(version=version, decision="Accept")


def _amounts(profile: str, path: Path) -> dict[tuple[str, str, str], tuple[Decimal, object]]:
    """(sub job, code, type) -> (amount, quantity), every key found once."""
    records = read_erp_file(profile, path.read_bytes())
    keys = [(r.sub_job, r.cost_code, r.cost_type) for r in records]
    assert len(keys) == len(set(keys)), f"a line key twice in {path.name}"
    assert {r.job for r in records} == {"P-1001"}
    return {key: (r.amount, r.quantity) for key, r in zip(keys, records, strict=True)}


@pytest.mark.slow
def test_sub_jobs_stay_apart_from_the_budget_to_the_erp_and_so_does_their_change(
    daemon: Daemon, request: pytest.FixtureRequest
) -> None:
    ws, profile = daemon.ws, request.node.callspec.params["daemon"]
    original, change = (ws.root / "outbox" / name for name in OUTBOX_FILES[profile])

    ws.drop(lines=LINES, headers=UNIT_HEADERS)
    _accept(daemon, 1)
    assert wait_for(original.exists), daemon.output()

    assert _amounts(profile, original) == {
        (sub, code, kind): (
            Decimal(str(amount)).quantize(Decimal("0.01")),
            None if qty is None else Decimal(qty),
        )
        for sub, code, kind, _, amount, qty, *_ in LINES
    }

    ws.drop("change.xlsx", lines=CHANGED, headers=UNIT_HEADERS)
    _accept(daemon, 2)
    assert wait_for(change.exists), daemon.output() + "\n".join(ws.files("outbox"))

    assert _amounts(profile, change) == {
        ("TI2", "09-290", "S"): (Decimal("8760.00"), Decimal("2920")),
    }
    manifest = json.loads(change.with_name(change.name + ".manifest.json").read_text())
    assert manifest["kind"] == "change"
    if profile == "sage300":  # the importer must tick the box: the folder and name say so
        assert manifest["import_as"] == "approved estimate change"
        assert "Import as an Approved Estimate Change" in manifest["import_option"]
        assert not any("_v2_" in name for name in ws.files("outbox"))
        assert wait_for(lambda: _exported_mail(ws, 2)), daemon.output()
        assert 'tick "Import as an Approved Estimate Change"' in _exported_mail(ws, 2)


def _exported_mail(ws: Workspace, version: int) -> str:
    """The plain text of the sender's exported email for a version ("" until it is written)."""
    for message in ws.mail():
        text = body(message)
        if "exported to the ERP" in str(message["Subject"]) and f"(version {version})" in text:
            return text
    return ""


def test_a_layout_that_would_drop_the_sub_job_stops_budget_erp_before_any_file(
    workspace: Workspace,
) -> None:
    declaration = workspace.root / "templates" / "erp" / "sage-intacct.toml"
    text = declaration.read_text(encoding="utf-8")
    declaration.write_text(text.replace('value = "sub_job"', 'value = "="'), encoding="utf-8")
    workspace.configure("export", profile="sage-intacct")
    workspace.drop(lines=LINES, headers=UNIT_HEADERS)

    result = workspace.run("process")

    assert result.exit_code == 2
    assert "sage-intacct.toml: the ERP profile 'sage-intacct' is refused" in result.output
    assert "no field of its line record carries the sub job" in result.output
    assert workspace.files("inbox") == ["budget.xlsx"]  # nothing taken, nothing lost
