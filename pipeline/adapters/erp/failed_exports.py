"""Setting aside an ERP file the ERP refused: out of the outbox, where an automatic importer
could take it again, into ``outbox/failed/`` with its manifest and done-marker, and the ERP's
message beside it in ``<file>.error.txt``. Nothing there is ever overwritten."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from pipeline.adapters.files.file_operations import atomic_write, exists, free_group, fsync_dir
from pipeline.domain.names import ERROR_NOTE, FAILED


def set_aside(outbox: Path, name: str, suffixes: Sequence[str], note: str) -> list[Path]:
    """Move ``outbox/name`` and its companions (``name`` + each of ``suffixes``, "" for the
    file itself, in that order) into ``outbox/failed/``, the note written beside them first;
    return their new paths, the note's first.

    Only what is still in the outbox moves (the ERP may have taken the file and left its
    manifest). Nothing left: nothing is written, and the list is empty. A name already taken
    in ``failed/`` (by any of the group) gives the whole group ``name (2)``, ``(3)``...
    """
    source = outbox / name
    present = [
        source.with_name(source.name + suffix)
        for suffix in suffixes
        if exists(source.with_name(source.name + suffix))
    ]
    if not present:
        return []
    folder = outbox / FAILED
    folder.mkdir(parents=True, exist_ok=True)
    target = free_group(folder, source.name, (*suffixes, ERROR_NOTE))
    note_path = target.with_name(target.name + ERROR_NOTE)
    atomic_write(note_path, lambda temp: temp.write_text(note, encoding="utf-8"))
    moved = [note_path]
    for path in present:
        destination = target.with_name(target.name + path.name.removeprefix(source.name))
        try:
            os.rename(path, destination)  # same file system: atomic; a link moves as a link
        except OSError:
            shutil.move(path, destination)
        moved.append(destination)
    fsync_dir(folder)
    fsync_dir(source.parent)
    return moved
