"""bench/storage.py's calendar arithmetic: which monthly partitions it makes, and what retention drops."""

import datetime as dt

from tests.bench.test_harness import load


def test_month_starts_cover_every_month_from_the_first_day_to_the_last():
    starts = load("storage").month_starts(dt.date(2025, 11, 30), dt.date(2026, 2, 1))
    assert starts == [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]


def test_month_starts_of_one_day():
    assert load("storage").month_starts(dt.date(2026, 2, 28), dt.date(2026, 2, 28)) == [dt.date(2026, 2, 1)]


def test_retention_drops_the_oldest_calendar_month_even_when_it_starts_late():
    storage = load("storage")
    # A year ending 2026-06-30 starts 2025-07-01: July 2025 goes.
    assert storage.oldest_month_cutoff(dt.date(2025, 7, 1)) == dt.date(2025, 8, 1)
    # A history starting on the 31st: that month's single day goes, nothing of the next.
    assert storage.oldest_month_cutoff(dt.date(2025, 12, 31)) == dt.date(2026, 1, 1)
