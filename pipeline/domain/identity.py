"""Who saved a file, and what that may prove: the ``[identity]`` policy and its checks.

The owner of a file is the operating-system account that last saved it. It is evidence of
who acted only as far as the share maps each user to their own account (RELIABILITY.md).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pipeline.domain.people import Person


class OwnerMode(enum.StrEnum):
    """What the owning account of a file taken is used for."""

    RECORD = "record"  # stored with its event, shown in history
    REQUIRE = "require"  # must be one of the accounts of the person the file names
    OFF = "off"  # not looked at


@dataclass(frozen=True)
class IdentityPolicy:
    """The ``[identity]`` settings of a workspace."""

    file_owner: OwnerMode = OwnerMode.RECORD
    self_approval: bool = False  # may the sender of a version accept or reject it?

    @property
    def records(self) -> bool:
        """Whether owners are looked at at all."""
        return self.file_owner is not OwnerMode.OFF


def owner_problem(
    policy: IdentityPolicy,
    person: Person,
    account: str,
    named_in: str,
    own_account: str = "",
    owner: Person | None = None,
) -> str:
    """Why a file owned by ``account`` may not stand for ``person`` ("" when it may).

    ``named_in`` says where the file names the person ("the Approver cell"), so the message
    can name both the account that saved the file and the person it claims. A file owned by
    ``own_account`` (the one budget-erp runs under) hints at a share that maps every user
    to one account, and the message says so. ``owner``, the one person the account belongs
    to, is given where that person is who acted whatever the file names: then, with
    ``record`` as with ``require``, a file saved under another listed person's account is
    refused; an account of nobody listed leaves the names typed to decide (``record``).
    """
    if policy.file_owner is OwnerMode.RECORD and owner is not None and owner != person:
        return (
            f"the file was saved by the account {account!r}, which is {owner.name}'s, but "
            f"{named_in} names {person.name}: whoever saves it is who acts; "
            "save it under your own account"
        )
    if policy.file_owner is not OwnerMode.REQUIRE or person.has_account(account):
        return ""
    saved = f"saved by the account {account!r}" if account else "of an unknown owner"
    if not person.accounts:
        problem = (
            f"the file was {saved}, but {named_in} names {person.name}, who has no accounts "
            'listed in rules/people.toml ([identity] file_owner = "require")'
        )
    else:
        problem = (
            f"the file was {saved}, but {named_in} names {person.name}, whose accounts are "
            f"{', '.join(sorted(person.accounts))}; save it under your own account"
        )
    if account and account == own_account:
        problem += (
            f" ({account!r} is the account budget-erp itself runs under: the share may map "
            "every user to one account; see RELIABILITY.md)"
        )
    return problem


def other_writers_problem(policy: IdentityPolicy, file_name: str, other_writers: str) -> str:
    """Why, with ``require``, a file others than its owner can write proves nothing of who
    saved it ("" when only its owner can write it, or owners are not required)."""
    if policy.file_owner is not OwnerMode.REQUIRE or not other_writers:
        return ""
    return (
        f"{file_name} can be written by others than its owner ({other_writers}), so its "
        "owner proves nothing of who saved it; the share must create files writable by "
        "their owner only (see RELIABILITY.md: Samba create mask, inherit owner, NTFS ACLs)"
    )


def account_mismatch_note(submitter: Person, account: str, owner: Person | None) -> str:
    """For the history: the account that saved a workbook is another listed person's than
    the one it names ("" when it is theirs, or nobody's listed)."""
    if owner is None or owner == submitter:
        return ""
    return f"; saved under the account {account!r} of {owner.name}, not {submitter.name}"


def self_approval_problem(
    policy: IdentityPolicy,
    approver: Person,
    sender: str,
    owner: Person | None,
    version: int,
    sent_by: Person | None = None,
) -> str:
    """Why the person deciding a version may not decide it ("" when they may).

    Segregation of duties: the person who sent a version does not accept or reject it,
    whether the Approver cell names them or the file was saved under their account. Who
    sent it is the person *Prepared By* named and ``sent_by``, the person whose account
    saved the workbook sent (when listed): either may not decide it.
    """
    if policy.self_approval:
        return ""
    if approver.name == sender:
        return (
            f"{approver.name} sent version {version} and cannot also decide it: another "
            "accounting approver must ([identity] self_approval = false)"
        )
    senders = {sender} | ({sent_by.name} if sent_by is not None and policy.records else set())
    if policy.records and sent_by is not None and approver.name == sent_by.name:
        return (
            f"version {version} was sent from an account of {approver.name}, who cannot also "
            "decide it: another accounting approver must ([identity] self_approval = false)"
        )
    if policy.records and owner is not None and owner.name in senders:
        return (
            f"the review workbook was saved under an account of {owner.name}, who sent version "
            f"{version}; the sender cannot decide it ([identity] self_approval = false)"
        )
    return ""
