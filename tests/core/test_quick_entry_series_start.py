"""A repeat with its first day ("every day starting jun 10"), and Todoist's date cells whose
words the quick-add language reads only in a date cell ("ev mon", "sat")."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.core.quick_entry_case_kit import BERLIN, NOW, Case, c
from todo_desktop.core import interchange
from todo_desktop.core.quick_entry import parse
from todo_desktop.core.quick_entry.result import PartKind

STARTING = [  # read on Saturday 2026-12-05 at 10:00 in Berlin
    c("Stretch every day starting jun 10", "Stretch", "2027-06-10", repeat="FREQ=DAILY"),
    # The first occurrence on or after that day: 10 June 2027 is a Thursday.
    c("Gym every monday starting jun 10", "Gym", "2027-06-14", repeat="FREQ=WEEKLY;BYDAY=MO"),
    c(
        "Rent every month on the 1st starting jan 1 2027",
        "Rent",
        "2027-01-01",
        repeat="FREQ=MONTHLY;BYMONTHDAY=1",
    ),
    c("Gym every monday starting dec 14 at 7am", "Gym", "2026-12-14 07:00", repeat="FREQ=WEEKLY;BYDAY=MO"),
    c("Water every 2 days starting tomorrow", "Water", "2026-12-06", repeat="FREQ=DAILY;INTERVAL=2"),
    # A time between the repeat and its first day goes with the repeat.
    c("Gym every day 7am starting friday", "Gym", "2026-12-11 07:00", repeat="FREQ=DAILY"),
    c(
        "Swim every day at 6pm starting monday until march 1",
        "Swim",
        "2026-12-07 18:00",
        repeat="FREQ=DAILY;UNTIL=20270301",
    ),
    # A first day already past starts the series from today, as a repeat without one does.
    c("Stretch every day starting dec 1 2026", "Stretch", "2026-12-05", repeat="FREQ=DAILY"),
    # Not after a repeat, "starting" is a title word, as before.
    c("Project starting tomorrow", "Project starting", "2026-12-06"),
    c("Stretch every day starting", "Stretch every day starting"),
    c("Stretch every day starting soon", "Stretch every day starting soon"),
    # The new words of the quick-add table (tests/core/quick_entry_cases.py) as title words.
    c("Every morning counts", "Every morning counts"),
    c("Sing every morning song", "Sing every morning song"),
    c("Report every other quarter", "Report every other quarter"),
    c("The quarter ends", "The quarter ends"),
]


@pytest.mark.parametrize("case", STARTING, ids=[case.text for case in STARTING])
def test_a_repeat_may_say_its_first_day_and_titles_keep_their_words(case: Case):
    entry = parse(case.text, case.now, ZoneInfo(case.zone))
    assert (entry.title, entry.due, entry.has_time) == (case.title, case.expected_due(), case.has_time)
    assert entry.repeat == case.repeat


def test_the_first_day_is_part_of_the_repeat():
    text = "Stretch every day starting jun 10 at 7am"
    entry = parse(text, NOW, ZoneInfo(BERLIN))
    assert [(part.kind, part.text) for part in entry.parts] == [
        (PartKind.REPEAT, "every day starting jun 10"),
        (PartKind.TIME, "at 7am"),
    ]


TODOIST_NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("date_cell", "due", "repeat"),
    [
        ("ev mon", datetime(2026, 6, 1, 23, 59), "FREQ=WEEKLY;BYDAY=MO"),
        ("ev 2 weeks", datetime(2026, 6, 1, 23, 59), "FREQ=WEEKLY;INTERVAL=2"),
        ("every first monday", datetime(2026, 6, 1, 23, 59), "FREQ=MONTHLY;BYDAY=1MO"),
        ("every morning", datetime(2026, 6, 2, 9, 0), "FREQ=DAILY"),
        ("sat", datetime(2026, 6, 6, 23, 59), None),
        ("sun 5pm", datetime(2026, 6, 7, 17, 0), None),
        ("every quarter", datetime(2026, 6, 1, 23, 59), "FREQ=MONTHLY;INTERVAL=3"),
        ("every day starting jun 10", datetime(2026, 6, 10, 23, 59), "FREQ=DAILY"),
    ],
)
def test_todoist_date_cells_that_were_held_back_are_read(date_cell: str, due: datetime, repeat: str | None):
    berlin = ZoneInfo(BERLIN)
    text = f"TYPE,CONTENT,DATE,DATE_LANG,TIMEZONE\ntask,Something,{date_cell},en,{BERLIN}\n"
    result = interchange.read(text, "todoist", zone=berlin, now=TODOIST_NOW)
    assert result.skipped == ()
    [row] = result.rows
    assert (row.title, row.due_date, row.repeat) == ("Something", due.replace(tzinfo=berlin), repeat)


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Sell ev monday", "Sell ev", datetime(2026, 12, 7, 23, 59)),  # a due date, no repeat
        ("Charge the ev", "Charge the ev", None),
        ("Take the sat exam", "Take the sat exam", None),
        ("Sat down sat", "Sat down sat", None),
    ],
)
def test_the_words_of_a_todoist_date_cell_stay_title_words_in_quick_add(
    text: str, title: str, due: datetime | None
):
    berlin = ZoneInfo(BERLIN)
    entry = parse(text, NOW, berlin)
    assert (entry.title, entry.due, entry.repeat) == (title, due and due.replace(tzinfo=berlin), None)
