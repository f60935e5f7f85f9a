"""ERP profiles from ``templates/erp/``: a declared field specification (``<name>.toml``) and
a jinja2 layout (``<name>.j2``). Workspace files win over the packaged defaults."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.domain.erp_profile import (
    MARKING_VALUES,
    ChangeMarking,
    FieldSpec,
    LayoutError,
    ProfileDefinitionError,
    ProfileSpec,
)
from pipeline.domain.erp_values import header_values
from pipeline.errors import ConfigError, ExportError
from pipeline.services.ports import ExportJob

if TYPE_CHECKING:  # imported on the first export: checking a profile needs only its TOML
    import jinja2

LINE_ENDINGS = {"crlf": "\r\n", "lf": "\n"}
PROFILE_NAMES = ("generic-csv", "sage-intacct", "sage300", "spectrum", "quickbooks-iif")


def load_profile(templates: Path, name: str) -> ProfileSpec:
    """Read the declaration of one profile; ConfigError names the file if it is unusable."""
    path = templates / "erp" / f"{name}.toml"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        packaged = resources.files("pipeline") / "workspace_defaults" / "templates" / "erp"
        if not (packaged / f"{name}.toml").is_file():
            raise ConfigError(f"no ERP profile {name!r}: expected {path}")
        text = (packaged / f"{name}.toml").read_text(encoding="utf-8")
    try:
        spec = _spec(name, tomllib.loads(text))
        spec.check_faithful()
    except ProfileDefinitionError as exc:
        raise ConfigError(f"{path}: the ERP profile {name!r} is refused: {exc}") from exc
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return spec


def _spec(name: str, data: Mapping[str, Any]) -> ProfileSpec:
    records = {
        record: tuple(
            FieldSpec(
                name=str(f["name"]),
                value=str(f["value"]),
                kind=str(f.get("kind", "text")),
                max_length=f.get("max_length"),
                decimals=int(f.get("decimals", 2)),
            )
            for f in fields
        )
        for record, fields in data.get("records", {}).items()
    }
    return ProfileSpec(
        name=name,
        description=str(data.get("description", name)),
        extension=str(data.get("extension", "csv")).lstrip("."),
        delimiter=str(data.get("delimiter", ",")),
        line_ending=LINE_ENDINGS[str(data.get("line_ending", "crlf"))],
        quoting=str(data.get("quoting", "minimal")),
        date_format=str(data.get("date_format", "%m/%d/%Y")),
        header=bool(data.get("header", False)),
        sub_jobs=bool(data.get("sub_jobs", True)),
        workflow={str(k): str(v) for k, v in data.get("workflow", {}).items()},
        records=records,
        change=_change_marking(data.get("change"), records),
    )


def _change_marking(
    table: Mapping[str, Any] | None, records: Mapping[str, tuple[FieldSpec, ...]]
) -> ChangeMarking:
    """The ``[change]`` table; without one, a line field carrying the workflow marks changes
    (how profiles written before the table was introduced said it)."""
    if table is None:
        marker = next((f.name for f in records.get("line", ()) if f.value in MARKING_VALUES), "")
        return ChangeMarking(field=marker)
    return ChangeMarking(
        field=str(table.get("field", "")),
        label=str(table.get("label", "")),
        import_option=str(table.get("import_option", "")),
        reference_length=int(table.get("reference_length", 0)),
    )


class ProfileWriter:
    """Renders an export through a profile's template and writes it, byte for byte."""

    def __init__(self, env: Callable[[], jinja2.Environment], templates: Path) -> None:
        self.env, self.templates = env, templates  # the environment is built on first use

    def profile(self, name: str) -> ProfileSpec:
        """The declaration of a profile."""
        return load_profile(self.templates, name)

    def __call__(self, profile: str, job: ExportJob, target: Path) -> None:
        """Write ``job`` in ``profile``'s layout to ``target``; ExportError if it cannot fit."""
        import jinja2

        spec = self.profile(profile)
        try:
            text = self.render(spec, job)
        except (LayoutError, jinja2.TemplateError) as exc:
            raise ExportError(f"{job.project_number} v{job.version} in {profile}: {exc}") from exc
        target.write_bytes(text.encode("utf-8"))

    def render(self, spec: ProfileSpec, job: ExportJob) -> str:
        """The file's text, line ends as the profile declares."""
        common = _job_values(spec, job)
        lines = [spec.format_record("line", {**common, **_line_values(line)}) for line in job.lines]
        template = self.env().get_template(f"erp/{spec.name}.j2")
        text = template.render(
            spec=spec,
            lines=lines,
            header=spec.header_row() if spec.header else "",
            header_row=spec.header_row,
            job_record=lambda record: spec.format_record(record, common),
            **common,
        )
        return text.replace("\r\n", "\n").replace("\n", spec.line_ending)


def _job_values(spec: ProfileSpec, job: ExportJob) -> dict[str, object]:
    total = sum((line.amount for line in job.lines), Decimal("0.00"))
    return {
        **header_values(job.project_number, job.project_name),
        "date": job.at.date(),
        "total": total,
        "version": job.version,
        "kind": job.kind,
        "workflow": spec.workflow.get(job.kind, job.kind),
        "doc_number": f"{job.project_number}-v{job.version}",
        "memo": f"Budget {job.project_number} version {job.version} "
        f"({spec.workflow.get(job.kind, job.kind)})",
    }


def _line_values(line: Any) -> dict[str, object]:
    return {
        "sub_job": line.sub_job,
        "cost_code": line.cost_code,
        "cost_type": line.cost_type,
        "description": line.description,
        "amount": line.amount,
        "negative_amount": -line.amount,
        "unit_qty": line.unit_qty,
        "uom": line.uom,
        "unit_cost": line.unit_cost,
    }
