"""A reminder set or moved on this device rings on time: the window's desk asks again as soon
as the write has been stored, not at its next recheck (minutes away). The window shows
through a notification server of our own on a private D-Bus session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.gui_fakes import select_rows, settle
from tests.support.notification_server import dbus_daemon_available
from tests.support.tag_windows import tag_window_maker
from todo_desktop.core.values import ReminderSetting, TaskChanges, TaskDraft
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.ui.reminders.desk import RECHECK_MS

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not dbus_daemon_available(), reason="needs dbus-daemon for a private session bus"),
]

SOON = timedelta(seconds=2)
RING_MS = 8_000  # the reminder's two seconds, with room to spare; the recheck is minutes away


@pytest.fixture(params=["database"])
def make_window(request, qtbot, tmp_path, session_bus, server):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


def summaries(server) -> list[str]:
    return [n.summary for n in server.notifications()]


def waiting_for_nothing(qtbot, window) -> None:
    """The desk has asked once, found nothing due, and would not ask again for minutes."""
    desk = window.reminders.parts.desk
    qtbot.waitUntil(lambda: desk.next_check_ms > RECHECK_MS - 60_000)


def test_a_task_added_with_a_reminder_rings_within_seconds(qtbot, make_window, server, client_db, alice):
    window, _service = make_window(
        [TaskDraft("Existing")], reminders=ReminderRepository(client_db, alice.token)
    )
    waiting_for_nothing(qtbot, window)
    # What quick add sends for "Stretch remind at <two seconds from now>".
    draft = TaskDraft("Stretch", reminder=ReminderSetting(at=datetime.now(UTC) + SOON))
    assert window.commands.add(draft)
    qtbot.waitUntil(lambda: summaries(server) == ["Stretch"], timeout=RING_MS)


def test_moving_a_due_date_moves_its_reminder_and_it_rings(qtbot, make_window, server, client_db, alice):
    reminders = ReminderRepository(client_db, alice.token)
    later = datetime.now(UTC) + timedelta(days=2)
    window, _service = make_window([TaskDraft("Dentist", due_date=later)], reminders=reminders)
    task = next(t for t in window.tasks.model.tasks() if t.title == "Dentist")
    reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(0)))  # at the due time
    window.reminders.parts.desk.check_now()  # as the window learns of it from another device
    waiting_for_nothing(qtbot, window)

    soon = datetime.now(UTC) + SOON
    window.commands.edit([task], TaskChanges(due_date=soon), "Change due date of “Dentist”")
    qtbot.waitUntil(lambda: summaries(server) == ["Dentist"], timeout=RING_MS)


def test_undoing_a_due_date_change_brings_its_reminder_back(qtbot, make_window, server, client_db, alice):
    reminders = ReminderRepository(client_db, alice.token)
    soon = datetime.now(UTC) + timedelta(seconds=4)
    window, _service = make_window([TaskDraft("Call the bank", due_date=soon)], reminders=reminders)
    task = next(t for t in window.tasks.model.tasks() if t.title == "Call the bank")
    window.commands.edit([task], TaskChanges(due_date=soon + timedelta(days=1)), "Change due date")
    settle(qtbot, window)
    reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(0)))
    window.reminders.parts.desk.check_now()
    waiting_for_nothing(qtbot, window)

    window.undo_stack.undo()  # back to a few seconds from now: the reminder follows
    qtbot.waitUntil(lambda: summaries(server) == ["Call the bank"], timeout=RING_MS)


def test_undoing_a_delete_brings_its_reminder_back(qtbot, make_window, server, client_db, alice):
    reminders = ReminderRepository(client_db, alice.token)
    soon = datetime.now(UTC) + timedelta(seconds=4)
    window, _service = make_window([TaskDraft("Pay rent", due_date=soon)], reminders=reminders)
    task = next(t for t in window.tasks.model.tasks() if t.title == "Pay rent")
    reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(0)))
    window.navigator.refresh_counts()  # as when another device's changes arrive
    qtbot.waitUntil(lambda: task.id in window.tasks.model.reminded)
    select_rows(window, [window.tasks.model.row_of(task.id)])
    window.commands.delete_selected()
    settle(qtbot, window)
    assert window.tasks.model.row_of(task.id) is None
    window.undo_stack.undo()  # the task comes back, and so does its reminder: it rings
    qtbot.waitUntil(lambda: window.tasks.model.row_of(task.id) is not None)
    qtbot.waitUntil(lambda: summaries(server) == ["Pay rent"], timeout=RING_MS)
