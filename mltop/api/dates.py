"""Dates in query strings: one form (YYYY-MM-DD) and one wording, for the filters
(django-filter's form fields) and for the query serializers (DRF's fields) alike."""

import datetime as dt
import re

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EMPTY = "This parameter cannot be empty; leave it out instead."
# %(value)s: django-filter %-formats its messages, so what the client sent goes in as a parameter.
INVALID = "Enter a date as YYYY-MM-DD, such as 2018-02-01 (got %(value)s)."


def parse_query_date(value: str) -> dt.date | None:
    """The day ``value`` names as YYYY-MM-DD, or None.

    Python 3.11's ``date.fromisoformat``, which Django's and DRF's date parsing call first, also
    reads ISO 8601's other forms (``20261001``, ``2026-W40-1``): the API documents one form only.
    """
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return None


def shown(value) -> str:
    """What the client sent, quoted and cut short, for an error message."""
    return repr(str(value)[:40])
