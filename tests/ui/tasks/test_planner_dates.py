"""The Due column reads like a planner ("Today 17:00", "Tomorrow", "Fri", "Dec 24 2027",
"3 days overdue") in the person's locale, with the whole date in the tooltip, and turns over
at midnight on the clock's next tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale, Qt

from tests.support.memory_tasks import make_task
from todo_desktop.core.clock import end_of_day
from todo_desktop.core.relative_dates import DueKind, DueLabel
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.due_text import DueText
from todo_desktop.ui.tasks.table_model import TaskTableModel

pytestmark = pytest.mark.gui

ZONE = ZoneInfo("Europe/London")
START = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)  # a Wednesday
US = QLocale("en_US")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now


def at(days: int, hour: int, minute: int = 0) -> datetime:
    day = START.date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)


def model_with(clock: Clock, *dues: datetime | None, **fields: object) -> TaskTableModel:
    model = TaskTableModel(clock=clock, zone=ZONE)
    model.due_text = DueText(clock, ZONE, QLocale.c())
    model.set_rows([make_task(f"Task {n}", due=due, **fields) for n, due in enumerate(dues)])
    return model


def due_cell(model: TaskTableModel, row: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> str:
    return model.data(model.index(row, Column.DUE), role)


def test_due_dates_read_as_a_planner_says_them(qapp):
    clock = Clock(START)
    model = model_with(
        clock,
        at(0, 17),
        end_of_day(START, ZONE, 1),  # tomorrow, no time typed
        at(2, 9, 30),
        at(-1, 9),
        at(-3, 9),
        datetime(2026, 12, 24, 23, 59, tzinfo=ZONE),
        datetime(2027, 12, 24, 18, 0, tzinfo=ZONE),
        None,
    )
    shown = [due_cell(model, row) for row in range(model.rowCount())]
    assert shown == [
        "Today 17:00",
        "Tomorrow",
        "Fri 09:30",
        "Yesterday 09:00",
        "3 days overdue",
        "24 Dec",  # the C locale writes the day first
        "24 Dec 2027 18:00",
        "",
    ]


def test_the_tooltip_and_screen_reader_get_the_whole_date(qapp):
    model = model_with(Clock(START), at(1, 17))
    tip = due_cell(model, 0, Qt.ItemDataRole.ToolTipRole)
    assert "Thursday, 26 November 2026, 17:00" in tip
    spoken = due_cell(model, 0, Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Due Thursday, 26 November 2026, 17:00"


def test_tomorrow_becomes_today_when_the_clock_passes_midnight(qapp, qtbot):
    clock = Clock(START.replace(hour=23, minute=58))
    model = model_with(clock, at(1, 9))
    assert due_cell(model, 0) == "Tomorrow 09:00"
    clock.now = at(1, 0, 1)
    assert due_cell(model, 0) == "Tomorrow 09:00"  # cached until the clock ticks
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh_clock()
    assert changed.args[0].row() == 0
    assert due_cell(model, 0) == "Today 09:00"
    clock.now = at(2, 0, 1)
    model.refresh_clock()
    assert due_cell(model, 0) == "Yesterday 09:00"


def test_a_completed_task_is_not_called_overdue(qapp):
    model = model_with(Clock(START), at(-3, 9), completed=True)
    assert due_cell(model, 0) == "22 Nov 09:00"


def test_names_and_order_come_from_the_locale(qapp):
    clock = Clock(START)
    day = datetime(2026, 12, 24).date()
    later = DueLabel(DueKind.THIS_YEAR, day, None)
    other_year = DueLabel(DueKind.OTHER_YEAR, day.replace(year=2027), None)
    weekday = DueLabel(DueKind.WEEKDAY, datetime(2026, 11, 27).date(), None)
    us = DueText(clock, ZONE, US)
    assert (us.words(later), us.words(other_year), us.words(weekday)) == ("Dec 24", "Dec 24 2027", "Fri")
    british = DueText(clock, ZONE, QLocale("en_GB"))
    assert british.words(later) == "24 Dec"
    german = DueText(clock, ZONE, QLocale("de_DE"))
    assert german.words(weekday).startswith("Fr")
    assert german.words(other_year).startswith("24 Dez")
    # The locale's own clock: 12-hour where people read 12-hour times.
    evening = DueLabel(DueKind.TODAY, day, datetime(2026, 1, 1, 17, 0).time())
    assert us.words(evening).replace("\u202f", " ") == "Today 5:00 PM"
