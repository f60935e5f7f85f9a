"""Use case: the emails about files that are not ours found under our names: an ERP file in
``outbox/`` (moved to ``outbox/foreign/``) and a link, folder or special file where a workbook
of ours belongs (moved to ``archive/squatted/``). Each once per name and content."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.domain.notification import Notification
from pipeline.domain.own_exports import PublishedName
from pipeline.domain.people import Person
from pipeline.services.context import Services
from pipeline.services.mail_facts import amounts
from pipeline.services.notifications import prepare


def foreign_file(
    app: Services,
    approvers: Sequence[Person],
    project_number: str,
    version: int,
    found: PublishedName,
) -> list[Notification]:
    """To the project's approvers: files under the name of one of its ERP files were not
    ours, and were moved aside. Once per name and content."""
    hashes = "-".join((e.sha256 or "none")[:16] for e in found.entries)
    sub = app.store.submission(project_number, version)
    return prepare(
        app,
        f"foreign_file:{project_number}:v{version}:{found.name}:{hashes}",
        "foreign_file",
        [p.email for p in approvers],
        {
            "project_number": project_number,
            "version": version,
            "file_name": found.name,
            "sender": sub.sender if sub else "",
            "at": app.clock.now(),
            **amounts(app, sub),
            "files": [
                {"name": e.name, "sha256": e.sha256 or "none (not a regular file)"}
                for e in found.entries
            ],
        },
    )


def squatted_name(
    app: Services,
    approvers: Sequence[Person],
    version: tuple[str, int],
    found: tuple[str, str, str],
    what: str,
) -> list[Notification]:
    """To the project's approvers: ``found`` (folder, name, what it was) held the name of
    a workbook of ours (``what``) and was moved to archive/squatted/. Once per name and kind."""
    (project_number, number), (folder, name, kind) = version, found
    return prepare(
        app,
        f"squatted:{project_number}:v{number}:{folder}/{name}:{kind}",
        "squatted_name",
        [p.email for p in approvers],
        {
            "project_number": project_number,
            "version": number,
            "what": what,
            "folder": folder,
            "file_name": name,
            "kind": kind,
        },
    )
