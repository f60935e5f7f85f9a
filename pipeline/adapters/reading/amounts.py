"""Amounts the way people type them: ``$1,234.50``, ``(500.00)``, ``-500``, or real numbers."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_amount(value: Any) -> Decimal | None:
    """A cell as a number, the way a person means it: ``$1,234.50``, ``(500.00)``, ``-500``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    text = str(value).strip().replace(",", "").replace("$", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
        if text.startswith(("-", "+")):
            return None  # "(-500)" is ambiguous: ask the admin rather than guess
    if not _NUMBER.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return -number if negative else number
