"""Many reminders coming due at once (tasks imported with reminders already past, a day of
tasks all reminding at 09:00, more missed reminders than one claim hands out) reach the person
as one notification that counts them, never as a flood of dozens; a few still come each on
its own, with Done and Snooze. Through a notification server of our own on a private D-Bus
session, with reminders from an in-memory gateway."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from tests.support.memory_reminders import MemoryReminders
from tests.support.notification_server import NotificationServer, dbus_daemon_available
from todo_desktop.ui.reminders.desk import MAX_APART, ReminderDesk
from todo_desktop.ui.reminders.setup import make_notifier

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not dbus_daemon_available(), reason="needs dbus-daemon for a private session bus"),
]

WAIT_MS = 5_000


class QuietTray(QSystemTrayIcon):
    def showMessage(self, *args):  # offscreen has no tray; the bus shows everything here
        pass


@pytest.fixture
def desk(qtbot, bus, server, workers) -> Iterator[ReminderDesk]:
    made = ReminderDesk(workers, make_notifier(QuietTray(), bus_address=bus, platform="linux"))
    yield made
    made.set_gateway(None)


def opened_and_looked(qtbot, desk: ReminderDesk, gateway: MemoryReminders) -> None:
    """The workspace is open and the desk has had its first look (nothing was due)."""
    desk.set_gateway(gateway)
    qtbot.waitUntil(lambda: gateway.claims == 1, timeout=WAIT_MS)


def settled(qtbot, server: NotificationServer, gateway: MemoryReminders) -> list[str]:
    qtbot.waitUntil(lambda: gateway.claims >= 2 and len(server.notifications()) >= 1, timeout=WAIT_MS)
    qtbot.wait(300)
    return [n.summary for n in server.notifications()]


@pytest.mark.parametrize("late", [timedelta(days=30), timedelta(seconds=1)], ids=["late", "on-time"])
def test_dozens_coming_due_at_once_come_as_one_notification(qtbot, desk, server, gateway, late):
    opened_and_looked(qtbot, desk, gateway)
    now = datetime.now(UTC)
    for i in range(40):
        gateway.add(f"Imported {i}", now - late - timedelta(seconds=i))
    desk.check_now()
    assert settled(qtbot, server, gateway) == ["40 reminders"]
    [shown] = server.notifications()
    assert shown.body.splitlines()[-1] == "and 35 more"
    assert shown.action_pairs == [("default", "Open")]


def test_a_few_at_once_still_come_each_with_done_and_snooze(qtbot, desk, server, gateway):
    opened_and_looked(qtbot, desk, gateway)
    now = datetime.now(UTC)
    for i in range(MAX_APART):
        gateway.add(f"Task {i}", now - timedelta(hours=1, seconds=-i))
    desk.check_now()
    qtbot.waitUntil(lambda: len(server.notifications()) == MAX_APART, timeout=WAIT_MS)
    qtbot.wait(300)
    assert [n.summary for n in server.notifications()] == [f"Task {i}" for i in range(MAX_APART)]
    assert all(("done", "Done") in n.action_pairs for n in server.notifications())


def test_missed_ones_and_many_due_now_at_the_first_look_make_two_notifications(qtbot, desk, server, gateway):
    now = datetime.now(UTC)
    for i in range(3):
        gateway.add(f"Missed {i}", now - timedelta(hours=3, seconds=i))
    for i in range(MAX_APART + 1):
        gateway.add(f"Now {i}", now - timedelta(seconds=1 + i))
    desk.set_gateway(gateway)
    qtbot.waitUntil(lambda: len(server.notifications()) >= 2, timeout=WAIT_MS)
    qtbot.wait(300)
    assert sorted(n.summary for n in server.notifications()) == [
        "3 reminders you missed",
        f"{MAX_APART + 1} reminders",
    ]
