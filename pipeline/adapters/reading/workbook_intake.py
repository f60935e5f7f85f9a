"""Read and check one admin workbook end to end: package guard, reader, the job's rules.

A plain module-level function, so that it can run in the isolated parse worker.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.adapters.erp.profiles import load_profile
from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.reading.package_guard import inspect_package
from pipeline.adapters.reading.version_mark import read_version_mark
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.cell_text import header_text
from pipeline.adapters.validation.rules_files import apply_profile_limits, load_validation_rules
from pipeline.adapters.validation.wording import project_number_of
from pipeline.config import Settings, profile_for_settings
from pipeline.services.ports import ReadResult


def read_and_check(path: Path, settings: Settings) -> ReadResult:
    """The budget in ``path`` checked against the rules and its job's ERP layout (with
    ``export_profile = ""`` and no job's own, against no layout)."""
    inspect_package(path, settings.package_limits)
    rules = load_validation_rules(settings.rules)
    raw = read_budget(path, rules.column_names, settings.parse_memory_mb)
    project = project_number_of(raw)  # NFKC, as the budget keeps it: its job's profile
    if profile := profile_for_settings(settings, project):  # "": outside a workspace
        rules = apply_profile_limits(rules, load_profile(settings.templates, profile))
    document, problems = check_budget(raw, rules)
    if document is not None and raw.responses:
        document = replace(document, responses=raw.responses)
    prepared_by = header_text(raw, "prepared_by")
    mark = read_version_mark(path)  # which version of ours it was built from, if any
    return ReadResult(
        document=document,
        problems=problems,
        last_modified_by=raw.last_modified_by,
        project_number=project,
        prepared_by=prepared_by,
        version_mark=mark,
    )
