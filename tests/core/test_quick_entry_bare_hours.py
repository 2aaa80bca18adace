"""An hour said alone after "at" or "@" ("call mom tomorrow at 6"): what quick add reads
(tests/core/quick_entry_clock_cases.py), the parts it marks, the escape that undoes them, and
the line that says what the task will be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.core.quick_entry_case_kit import BERLIN, NOW, Case, assert_read, read
from tests.core.quick_entry_clock_cases import BARE_HOUR_CASES
from todo_desktop.core.quick_entry import literal, parse, summary

IDS = [f"{i:02d} {case.text}" for i, case in enumerate(BARE_HOUR_CASES)]
PARTED = [case for case in BARE_HOUR_CASES if read(case).parts]


@pytest.mark.parametrize("case", BARE_HOUR_CASES, ids=IDS)
def test_case(case: Case) -> None:
    assert_read(case)


def test_the_table_holds_traps_and_every_feature_that_takes_a_time() -> None:
    assert sum(case.trap for case in BARE_HOUR_CASES) >= 15
    assert sum(case.repeat is not None for case in BARE_HOUR_CASES) >= 5
    assert sum(case.expected_reminder() is not None for case in BARE_HOUR_CASES) >= 5


@pytest.mark.parametrize("case", PARTED, ids=[case.text for case in PARTED])
def test_escaping_any_part_makes_it_plain_text(case: Case) -> None:
    for part in read(case).parts:
        escaped = literal(case.text, part.span)
        again = parse(escaped, case.now, ZoneInfo(case.zone))
        shift = len(escaped) - len(case.text)
        assert all(p.span[1] <= part.span[0] or p.span[0] >= part.span[1] + shift for p in again.parts)
        assert part.text in again.title


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Call mom tomorrow at 6", "Tomorrow 18:00"),
        ("Standup at 9", "Tomorrow 09:00"),
        ("Lunch at 12", "Today 12:00"),
        ("Train at 18", "Today 18:00"),
        ("Meet at 9 friday", "Friday 09:00"),
        ("Party tonight at 9", "Today 21:00"),
        ("Gym every monday at 7", "Monday 07:00 · Every Monday"),
        ("Call mum remind at 6", "Remind Today 18:00"),
        ("Order 6 chairs at 6 shops", ""),
    ],
)
def test_summary(text: str, line: str) -> None:
    zone = ZoneInfo(BERLIN)
    assert summary(parse(text, NOW, zone), NOW, zone) == line


@pytest.mark.parametrize(
    ("local", "fold", "text", "later"),
    [
        ("02:30", 0, "Check the oven in 1 hour", timedelta(hours=1)),  # lands in the hour again
        ("02:50", 0, "Call back in 20 min", timedelta(minutes=20)),
        ("02:10", 1, "Call back in 20 min", timedelta(minutes=20)),  # the second 02:10
        ("01:30", 0, "Call back in 2 hours", timedelta(hours=2)),
    ],
)
def test_time_from_now_counts_the_hour_that_autumn_repeats(
    local: str, fold: int, text: str, later: timedelta
) -> None:
    """On the night clocks go back (03:00 in Berlin becomes 02:00 again), 02:30 comes twice:
    "in 1 hour" at the first 02:30 is the second one, an hour away, and never now."""
    hour, minute = map(int, local.split(":"))
    now = datetime(2026, 10, 25, hour, minute, fold=fold, tzinfo=ZoneInfo(BERLIN))
    entry = parse(text, now, ZoneInfo(BERLIN))
    assert entry.has_time
    assert entry.due == now.astimezone(UTC) + later
