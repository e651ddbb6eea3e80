"""Whole numbers from request parameters and paths: one parser for pages, ids and the API."""

MAX_ID = 2**63 - 1  # the largest primary key; bigger numbers cannot name a row


def bounded_id(digits: str) -> int:
    """A string of ASCII digits as an int, or MAX_ID + 1 when it is past any id (int() refuses
    more than 4,300 digits)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else MAX_ID + 1


def positive_number(raw: str) -> int | None:
    """A positive whole number in ASCII digits (bounded as ``bounded_id``), or None: str.isdigit()
    alone also takes '¹' and '٣'."""
    if not raw.isascii() or not raw.isdigit():
        return None
    number = bounded_id(raw)
    return number if number >= 1 else None
