"""TickTick's Reminder column: the first of a task's reminders becomes its reminder, counted
from the task's start as TickTick counts it, and the others are said once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.core.interchange_strategies import TICKTICK_HEADER, TICKTICK_PREAMBLE
from todo_desktop.core import interchange
from todo_desktop.core.values import ReminderSetting

NEW_YORK = ZoneInfo("America/New_York")
HEADER, PREAMBLE = TICKTICK_HEADER, TICKTICK_PREAMBLE
FIRST_LINE = 8  # the preamble takes six lines and the header one


def _row(
    title: str, reminder: str, *, start: str = "", due: str = "", all_day: str = "false", task_id: str = ""
) -> str:
    cells = ["", "Inbox", title, "TEXT", "", "", "N", start, due, reminder, "", "0", "0"]
    cells += ["2026-01-01T08:00:00+0000", "", "0", "Europe/Berlin", all_day, "false", "", "", "list"]
    cells += [task_id or title, ""]
    return ",".join('"' + cell.replace('"', '""') + '"' for cell in cells)


def _read(*rows: str) -> interchange.ImportResult:
    return interchange.read(PREAMBLE + HEADER + "\n" + "\n".join(rows) + "\n", zone=NEW_YORK)


def _reminders(result: interchange.ImportResult) -> dict[str, ReminderSetting | None]:
    return {row.title: row.reminder for row in result.rows}


AT_NINE = "2026-03-01T09:00:00+0000"


def test_a_reminder_before_a_timed_task_moves_with_its_due_time():
    result = _read(
        _row("On time", "-PT0S", start=AT_NINE, due=AT_NINE),
        _row("Quarter before", "-PT15M", start=AT_NINE, due=AT_NINE),
        _row("As a trigger", "TRIGGER:-PT30M", start=AT_NINE, due=AT_NINE),
        _row("A day before", "-P1D", due=AT_NINE),
        _row("None", "", start=AT_NINE, due=AT_NINE),
    )
    assert _reminders(result) == {
        "On time": ReminderSetting(before_due=timedelta(0)),
        "Quarter before": ReminderSetting(before_due=timedelta(minutes=15)),
        "As a trigger": ReminderSetting(before_due=timedelta(minutes=30)),
        "A day before": ReminderSetting(before_due=timedelta(days=1)),
        "None": None,
    }
    assert result.warnings == ()


def test_only_the_first_of_several_reminders_is_kept_and_that_is_said():
    result = _read(
        _row("Two", "-PT0S,-PT15M", start=AT_NINE, due=AT_NINE),
        _row("Three", "-PT5M, -PT1H\n-P1D", start=AT_NINE, due=AT_NINE),
    )
    assert _reminders(result) == {
        "Two": ReminderSetting(before_due=timedelta(0)),
        "Three": ReminderSetting(before_due=timedelta(minutes=5)),
    }
    assert [p.sentence for p in result.warnings] == [
        f"line {FIRST_LINE} has 2 reminders; only the first reminder is kept",
        f"line {FIRST_LINE + 1} has 3 reminders; only the first reminder is kept",
    ]


def test_an_all_day_reminder_rings_at_its_time_of_that_day_where_the_person_is():
    # 1 March in Berlin, as TickTick writes an all-day date: midnight there, in UTC.
    day = "2026-02-28T23:00:00+0000"
    result = _read(
        _row("At nine", "P0DT9H0M0S", start=day, due=day, all_day="true"),
        _row("Day before at nine", "-P0DT15H0M0S", start=day, due=day, all_day="true"),
        _row("Two days before at eight", "-P1DT16H", start=day, due=day, all_day="true"),
        _row("In the afternoon", "P0DT14H0M0S", start=day, due=day, all_day="true"),
    )
    # The app counts an all-day task's reminders from 09:00 on its day (revision 0038), so
    # they are kept as a while before that morning, and move with the task as it repeats.
    assert _reminders(result) == {
        "At nine": ReminderSetting(before_due=timedelta(0)),
        "Day before at nine": ReminderSetting(before_due=timedelta(days=1)),
        "Two days before at eight": ReminderSetting(before_due=timedelta(days=2, hours=1)),
        # Later that day than the morning: the time it names.
        "In the afternoon": ReminderSetting(at=datetime(2026, 3, 1, 14, 0, tzinfo=NEW_YORK).astimezone(UTC)),
    }
    assert result.warnings == ()


def test_a_task_that_starts_before_it_is_due_is_reminded_from_its_start():
    result = _read(_row("Trip", "-PT1H", start=AT_NINE, due="2026-03-03T09:00:00+0000"))
    assert _reminders(result) == {"Trip": ReminderSetting(at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC))}


def test_a_reminder_the_app_cannot_keep_is_one_sentence_and_the_task_goes_in():
    result = _read(
        _row("Word", "soon", start=AT_NINE, due=AT_NINE),
        _row("After", "PT10M", start=AT_NINE, due=AT_NINE),
        _row("No date", "-PT5M"),
        _row("Months", "-P1M", start=AT_NINE, due=AT_NINE),
    )
    assert set(_reminders(result)) == {"Word", "After", "No date", "Months"}
    assert set(_reminders(result).values()) == {None}
    assert [p.sentence for p in result.warnings] == [
        f"line {FIRST_LINE} has a reminder “soon” that is not a duration; it was left out",
        f"line {FIRST_LINE + 1} has a reminder after its due time, which this app cannot keep; "
        "it was left out",
        f"line {FIRST_LINE + 2} has a reminder before its due time but no due date; it was left out",
        f"line {FIRST_LINE + 3} has a reminder “-P1M” that is not a duration; it was left out",
    ]


def test_a_hostile_reminder_cell_costs_little():
    started = time.perf_counter()
    result = _read(
        _row("Many", ",".join(["-PT1M"] * 20_000), start=AT_NINE, due=AT_NINE),
        _row("Long", "-PT" + "9" * 100_000 + "M", start=AT_NINE, due=AT_NINE),
        _row("Huge", "-P999999999D", start=AT_NINE, due=AT_NINE),
    )
    assert time.perf_counter() - started < 2
    assert _reminders(result) == {
        "Many": ReminderSetting(before_due=timedelta(minutes=1)),
        "Long": None,
        "Huge": None,
    }
    sentences = [p.sentence for p in result.warnings]
    assert sentences[0] == f"line {FIRST_LINE} has 20,000 reminders; only the first reminder is kept"
    assert sentences[1].startswith(f"line {FIRST_LINE + 1} has a reminder “-PT999")
    assert sentences[2].startswith(f"line {FIRST_LINE + 2} has a reminder")
    assert len(sentences) == 3
