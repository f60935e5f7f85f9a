"""Reading the messages budget-erp sends, as .eml files or over SMTP."""

from __future__ import annotations

from email.message import EmailMessage


def body(message: EmailMessage, kind: str = "plain") -> str:
    """The text of the message's ``text/<kind>`` part ("plain" or "html")."""
    part = message.get_body((kind,))
    assert part is not None, f"no text/{kind} part in {message['Subject']!r}"
    content = part.get_content()
    assert isinstance(content, str)
    return content
