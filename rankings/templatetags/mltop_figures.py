"""Saying what a figure is: how fresh a capture must be to be called "now"."""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()

# The refresh runs every six hours; a capture older than this is a past figure, dated as such.
NOW_DAYS = 2


@register.filter
def is_current(day) -> bool:
    """Whether a capture day is recent enough to be shown as "now"."""
    if day is None:
        return False
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return day >= timezone.now().date() - dt.timedelta(days=NOW_DAYS)
