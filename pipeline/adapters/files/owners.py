"""Operating-system accounts: who owns a file (the account that last saved it) and who runs us.

Names come from the machine's user database (local users, or domain users through winbind
or sssd), so they read as the file server shows them: ``carl`` or ``CORP\\carl``.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path


def account_name(uid: int) -> str:
    """The user name of ``uid``, or ``uid:<n>`` when the user database does not know it."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid:{uid}"


def file_owner(path: Path) -> str:
    """The account that owns ``path`` itself (a link is not followed)."""
    return account_name(path.lstat().st_uid)


def process_account() -> str:
    """The account this process runs under: its effective uid, never $USER (anyone can set it)."""
    return account_name(os.geteuid())
