"""Approval routes in the state database: the levels each version was sent under, the
Accepts given so far, and what its review workbook was written from (for the review issued
to each later level)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from pipeline.adapters.sql.queries import Queries
from pipeline.domain.approval_route import ApprovalRoute, Level, LevelDecision, RouteLevel
from pipeline.domain.budget import ReasonResponse
from pipeline.domain.problems import Problem, Severity
from pipeline.domain.review import ReviewInputs


class RouteQueries(Queries):
    """Route methods of the store (they share its connection and transactions)."""

    def add_route(
        self, project_number: str, version: int, route: ApprovalRoute, inputs: ReviewInputs
    ) -> None:
        """Record the levels a version was sent under, and what its review was written from."""
        self.db.execute(
            "INSERT INTO approval_routes (project_number, version, route, review_inputs) "
            "VALUES (?, ?, ?, ?)",
            (project_number, version, _route_text(route), _inputs_text(inputs)),
        )

    def save_route(self, project_number: str, version: int, route: ApprovalRoute) -> None:
        """Record how far a version has come along its route."""
        self.db.execute(
            "UPDATE approval_routes SET route = ? WHERE project_number = ? AND version = ?",
            (_route_text(route), project_number, version),
        )

    def route(self, project_number: str, version: int) -> ApprovalRoute | None:
        """The route of a version (None: sent before routing, one accounting level)."""
        if self._snapshot is not None:
            return self._snapshot.route(project_number, version)
        row = self.db.execute(
            "SELECT route FROM approval_routes WHERE project_number = ? AND version = ?",
            (project_number, version),
        ).fetchone()
        return route_from(json.loads(row[0])) if row else None

    def review_inputs(self, project_number: str, version: int) -> ReviewInputs | None:
        """What the version's review workbook was written from, if recorded."""
        row = self.db.execute(
            "SELECT review_inputs FROM approval_routes WHERE project_number = ? AND version = ?",
            (project_number, version),
        ).fetchone()
        return _inputs(json.loads(row[0])) if row else None


def _route_text(route: ApprovalRoute) -> str:
    levels = [
        {
            **asdict(step.level),
            "people": list(step.level.people),
            "when_total_over": _text(step.level.when_total_over),
            "when_change_over": _text(step.level.when_change_over),
            "why": step.why,
        }
        for step in route.levels
    ]
    decisions = [{**asdict(d), "at": d.at.isoformat()} for d in route.decisions]
    return json.dumps({"levels": levels, "decisions": decisions}, ensure_ascii=False)


def route_from(stored: dict[str, Any]) -> ApprovalRoute:
    """A route from its stored JSON, parsed."""
    levels = tuple(
        RouteLevel(
            Level(
                name=entry["name"],
                role=entry["role"],
                people=tuple(entry["people"]),
                when_total_over=_decimal(entry["when_total_over"]),
                when_change_over=_decimal(entry["when_change_over"]),
                escalate_to=entry["escalate_to"],
            ),
            entry["why"],
        )
        for entry in stored["levels"]
    )
    decisions = tuple(
        LevelDecision(d["level"], d["approver"], datetime.fromisoformat(d["at"]), d["on_behalf_of"])
        for d in stored["decisions"]
    )
    return ApprovalRoute(levels, decisions)


def _inputs_text(inputs: ReviewInputs) -> str:
    return json.dumps(
        {
            "status_before": inputs.status_before,
            "warnings": [asdict(w) for w in inputs.warnings],
            "responses": [asdict(r) for r in inputs.responses],
        },
        ensure_ascii=False,
    )


def _inputs(stored: dict[str, Any]) -> ReviewInputs:
    return ReviewInputs(
        stored["status_before"],
        tuple(Problem(**{**w, "severity": Severity(w["severity"])}) for w in stored["warnings"]),
        tuple(ReasonResponse(**r) for r in stored["responses"]),
    )


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
