"""A desktop with neither a system tray nor a notification service (a bare window manager):
the database has handed the reminder out to this device, marked delivered, so showing it
nowhere would lose it. The window's status line says it instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.memory_reminders import MemoryReminders
from tests.support.notification_server import dbus_daemon_available
from tests.support.tag_windows import tag_window_maker
from todo_desktop.core.values import TaskDraft

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not dbus_daemon_available(), reason="needs dbus-daemon for a private session bus"),
]


@pytest.fixture(params=["database"])
def make_window(request, qtbot, tmp_path, session_bus):
    # A session bus on which nobody shows notifications; offscreen, there is no tray.
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


def test_the_status_line_says_a_reminder_nothing_else_can_show(qtbot, make_window):
    gateway = MemoryReminders()
    now = datetime.now(UTC)
    gateway.add("Call mum", now - timedelta(seconds=1), due=now + timedelta(hours=1))
    window, _service = make_window([TaskDraft("Existing")], reminders=gateway)
    assert window.reminders.parts.tray is None
    qtbot.waitUntil(lambda: "Call mum" in window.statusBar().currentMessage(), timeout=8_000)
    assert gateway.pending == {}  # claimed: delivered, as far as the database knows
    assert "Due today" in window.statusBar().currentMessage() or "Due tomorrow" in (
        window.statusBar().currentMessage()
    )
