"""Under the Remind field, a reminder counted from the due date says when it rings ("Rings Thu
09:00"): a task due all day counts from 09:00 on its day, which its words alone do not say.
It follows the due date, and a reminder at a time of its own says nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.gui_fakes import key, settle
from tests.support.tag_windows import tag_window_maker
from tests.ui.tasks.test_details_reminder import open_task, type_reminder, with_field
from todo_desktop.core.clock import LocalZone, end_of_day, utc_now
from todo_desktop.core.reminders import rings_at
from todo_desktop.core.values import ReminderSetting, TaskDraft
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.ui.reminders.wording import when

pytestmark = pytest.mark.gui
DAY_BEFORE = ReminderSetting(before_due=timedelta(days=1))


@pytest.fixture(params=["database"])
def make_window(request, qtbot, tmp_path):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


@pytest.fixture
def reminders(client_db, alice) -> ReminderRepository:
    return ReminderRepository(client_db, alice.token)


def rings_line(pane) -> str:
    label = pane.form.reminder_rings
    return label.text() if label.isVisibleTo(pane) else ""


def test_an_offset_says_when_it_rings_and_follows_the_due_date(qtbot, make_window, reminders) -> None:
    zone = LocalZone()
    due = end_of_day(utc_now(), zone, days_ahead=3)  # all day, three days ahead
    window, _service = make_window([TaskDraft("Pay rent", due_date=due)], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Pay rent")
    assert rings_line(pane) == ""  # no reminder yet

    type_reminder(qtbot, pane, "1 day before")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == DAY_BEFORE)
    rings = rings_at(DAY_BEFORE, due, zone)
    assert rings is not None and rings.astimezone(zone).hour == 9  # the morning before, not 23:59
    qtbot.waitUntil(lambda: rings_line(pane) == f"Rings {when(rings, utc_now())}")

    # A time given to the due date: the reminder moves with it, and so does the line.
    words = pane.words.due_words
    words.setFocus()
    qtbot.keyClicks(words, "in 5 days at 17:30")
    key(qtbot, words, "Return")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.tasks.model.task(task.id).due_date != due)
    moved = window.tasks.model.task(task.id).due_date
    later = rings_at(DAY_BEFORE, moved, zone)
    assert later is not None and (later.astimezone(zone).hour, later.astimezone(zone).minute) == (17, 30)
    qtbot.waitUntil(lambda: rings_line(pane) == f"Rings {when(later, utc_now())}")

    type_reminder(qtbot, pane, "tomorrow 8am")  # a time of its own: its words say it all
    settle(qtbot, window)
    qtbot.waitUntil(lambda: (reminders.reminder_of(task.id) or DAY_BEFORE).at is not None)
    qtbot.waitUntil(lambda: rings_line(pane) == "")

    type_reminder(qtbot, pane, "when due")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: rings_line(pane).startswith("Rings "))
    type_reminder(qtbot, pane, "")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) is None)
    assert rings_line(pane) == ""
