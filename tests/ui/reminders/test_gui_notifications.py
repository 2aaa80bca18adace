"""Reminders reach the person through the desktop's notification service.

Every test runs a private D-Bus session (its own ``dbus-daemon``, never the desktop's) with a
notification server of our own that records each ``Notify`` and clicks its buttons as a
person would. The reminders come from an in-memory gateway; the database side is tested
against PostgreSQL on its own.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from tests.support.notification_server import (
    Forger,
    NotificationServer,
    Received,
    dbus_daemon_available,
)
from todo_desktop.ui.chrome.settings import open_settings
from todo_desktop.ui.reminders.desk import ReminderDesk
from todo_desktop.ui.reminders.freedesktop import FreedesktopNotifier
from todo_desktop.ui.reminders.notices import Notice, RoutedNotifier, TrayNotifier
from todo_desktop.ui.reminders.setup import make_notifier, reminder_parts

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not dbus_daemon_available(), reason="needs dbus-daemon for a private session bus"),
]

WAIT_MS = 5_000


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


def shown_by(qtbot, server: NotificationServer, count: int) -> list[Received]:
    """The notifications the server got, once there are ``count`` (Qt's events keep running)."""
    qtbot.waitUntil(lambda: len(server.notifications()) >= count, timeout=WAIT_MS)
    return server.notifications()


class RecordingTray(QSystemTrayIcon):
    """A tray icon that keeps its balloons (offscreen there is no tray to show them)."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def showMessage(self, title, text, *args):
        self.messages.append((title, text))


@pytest.fixture
def tray(qtbot) -> RecordingTray:
    return RecordingTray()


@pytest.fixture
def desk(qtbot, bus, server, workers, tray) -> Iterator[ReminderDesk]:
    notifier = make_notifier(tray, bus_address=bus, platform="linux")
    made = ReminderDesk(workers, notifier, retry_ms=100)
    yield made
    made.set_gateway(None)


def test_a_due_reminder_shows_one_notification_with_done_snooze_and_open(qtbot, desk, server, gateway, tray):
    task_id = gateway.add("Call mum", ago(seconds=5), due=datetime.now(UTC) + timedelta(hours=1))
    with qtbot.waitSignal(desk.shown, timeout=WAIT_MS):
        desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)
    assert shown.app_name == "Todo Desktop"
    assert shown.summary == "Call mum"
    assert shown.body.startswith("Due ")  # the wording itself: test_reminder_wording.py
    assert shown.action_pairs == [("done", "Done"), ("snooze", "Snooze 10 min"), ("default", "Open")]
    assert shown.replaces_id == 0
    assert shown.hints["desktop-entry"] == ("s", "todo-desktop")
    assert shown.app_icon  # a file:// URI of the bundled icon, or the theme name
    assert server.refused == []  # sent with the spec's signature, susssasa{sv}i
    assert tray.messages == []
    qtbot.wait(200)
    assert len(server.notifications()) == 1, "one reminder, one notification"
    assert gateway.pending == {} and task_id not in gateway.reminded_task_ids()


def test_done_in_the_notification_asks_to_complete_that_task(qtbot, desk, server, gateway):
    task_id = gateway.add("Pay rent", ago(seconds=1))
    desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)
    with qtbot.waitSignal(desk.done_requested, timeout=WAIT_MS) as done:
        server.invoke_action(shown.id, "done")
    assert done.args == [task_id]


def test_snooze_in_the_notification_snoozes_ten_minutes(qtbot, desk, server, gateway):
    task_id = gateway.add("Water plants", ago(seconds=1))
    desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)
    server.invoke_action(shown.id, "snooze")
    qtbot.waitUntil(lambda: gateway.snoozed == [(task_id, 10)], timeout=WAIT_MS)
    # It rings again later, not now: the desk's next look is planned, and nothing more shows.
    qtbot.waitUntil(lambda: gateway.claims >= 2, timeout=WAIT_MS)
    assert len(server.notifications()) == 1


def test_a_snooze_while_the_database_is_away_is_sent_when_it_is_back(qtbot, desk, server, gateway):
    # The reminder is marked delivered already: a snooze lost now would never ring again.
    task_id = gateway.add("Water plants", ago(seconds=1))
    desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)
    gateway.failures_left = 1
    server.invoke_action(shown.id, "snooze")
    qtbot.waitUntil(lambda: gateway.snoozed == [(task_id, 10)], timeout=WAIT_MS)


def test_open_in_the_notification_asks_to_show_that_task(qtbot, desk, server, gateway):
    task_id = gateway.add("Book flights", ago(seconds=1))
    desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)
    with qtbot.waitSignal(desk.open_requested, timeout=WAIT_MS) as opened:
        server.invoke_action(shown.id, "default")
    assert opened.args == [task_id]


def test_reminders_missed_while_closed_come_as_one_notification(qtbot, desk, server, gateway):
    for title, hours in (("Call mum", 5), ("Pay rent", 3), ("Buy milk", 1)):
        gateway.add(title, ago(hours=hours))
    desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)
    assert shown.summary == "3 reminders you missed"
    assert shown.body.splitlines() == ["Call mum", "Pay rent", "Buy milk"]
    assert shown.action_pairs == [("default", "Open")]  # Done for three at once would surprise
    qtbot.wait(200)
    assert len(server.notifications()) == 1


def test_only_the_first_look_after_opening_groups_missed_reminders(qtbot, desk, server, gateway):
    desk.set_gateway(gateway)
    qtbot.waitUntil(lambda: gateway.claims == 1, timeout=WAIT_MS)
    # Came due while the app was open, yet both late (say the computer slept): shown each.
    gateway.add("Call mum", ago(hours=2))
    gateway.add("Pay rent", ago(hours=1))
    desk.check_now()
    shown = shown_by(qtbot, server, 2)
    assert [n.summary for n in shown] == ["Call mum", "Pay rent"]


def test_the_timer_rings_a_reminder_when_its_time_comes(qtbot, desk, server, gateway):
    desk.set_gateway(gateway)
    qtbot.waitUntil(lambda: gateway.claims == 1, timeout=WAIT_MS)
    gateway.add("Stand up", datetime.now(UTC) + timedelta(milliseconds=300))
    desk.check_now()  # an edit set the reminder: the desk learns when the next one is
    [shown] = shown_by(qtbot, server, 1)
    assert shown.summary == "Stand up"


def test_asking_again_during_a_slow_claim_loses_nothing(qtbot, desk, server, gateway):
    # A claim's reminders are delivered already in the database; an answer dropped as stale
    # (a second claim overtaking it) would lose them for good.
    gateway.slow_first_claim = threading.Event()
    gateway.add("Call mum", ago(seconds=1))
    desk.set_gateway(gateway)
    qtbot.waitUntil(lambda: gateway.claims == 1, timeout=WAIT_MS)
    desk.check_now()  # an edit, the clock, the window waking: all ask again meanwhile
    desk.check_now()
    qtbot.wait(100)
    gateway.slow_first_claim.set()
    [shown] = shown_by(qtbot, server, 1)
    assert shown.summary == "Call mum"
    qtbot.waitUntil(lambda: gateway.claims == 2, timeout=WAIT_MS)  # the asks folded into one


def test_a_next_reminder_that_never_comes_does_not_make_the_desk_spin(qtbot, desk, gateway):
    gateway.next_answer = ago(minutes=1)  # "due already", yet no claim returns it
    desk.set_gateway(gateway)
    qtbot.wait(1500)
    assert 1 <= gateway.claims <= 3, "about one look a second at most"


def test_an_unreachable_database_is_retried_quietly(qtbot, desk, server, gateway):
    gateway.add("Call mum", ago(seconds=1))
    gateway.failures_left = 1
    desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)  # the retry, 100 ms later in this test
    assert shown.summary == "Call mum"


def test_a_closed_notification_no_longer_answers(qtbot, desk, server, gateway):
    gateway.add("Call mum", ago(seconds=2))
    second = gateway.add("Pay rent", ago(seconds=1))
    done: list[object] = []
    desk.done_requested.connect(done.append)
    desk.set_gateway(gateway)
    first_shown, second_shown = shown_by(qtbot, server, 2)
    server.close_notification(first_shown.id)
    server.invoke_action(first_shown.id, "done")  # a late click on a closed one: ignored
    server.invoke_action(second_shown.id, "done")
    qtbot.waitUntil(lambda: len(done) >= 1, timeout=WAIT_MS)
    qtbot.wait(200)
    assert done == [second]


def test_a_forged_action_from_another_client_is_ignored(qtbot, desk, bus, server, gateway):
    task_id = gateway.add("Delete everything", ago(seconds=1))
    done: list[object] = []
    desk.done_requested.connect(done.append)
    desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)
    forger = Forger(bus)
    try:
        forger.action_invoked(shown.id, "done")
        forger.action_invoked(shown.id, "snooze")
        qtbot.wait(300)
        assert done == [] and gateway.snoozed == []
        server.invoke_action(shown.id, "done")  # the same click from the service counts
        qtbot.waitUntil(lambda: done == [task_id], timeout=WAIT_MS)
    finally:
        forger.close()


def test_a_title_that_looks_like_markup_stays_text(qtbot, bus, workers, tray, gateway):
    server = NotificationServer(bus, capabilities=("actions", "body", "body-markup"))
    try:
        desk = ReminderDesk(workers, make_notifier(tray, bus_address=bus, platform="linux"))
        for title in ("<b>Fish</b> & chips", "<a href='x'>link</a>"):
            gateway.add(title, ago(hours=3))
        desk.set_gateway(gateway)
        [shown] = shown_by(qtbot, server, 1)
        assert "<b>" not in shown.body and "&lt;b&gt;Fish&lt;/b&gt; &amp; chips" in shown.body
    finally:
        server.stop()


def test_without_a_notification_service_the_tray_shows_it(qtbot, bus, workers, tray, gateway):
    # The bus is there, but nobody owns org.freedesktop.Notifications.
    desk = ReminderDesk(workers, make_notifier(tray, bus_address=bus, platform="linux"))
    gateway.add("Call mum", ago(seconds=1), due=datetime.now(UTC))
    desk.set_gateway(gateway)
    qtbot.waitUntil(lambda: len(tray.messages) == 1, timeout=WAIT_MS)
    assert tray.messages[0][0] == "Call mum"


def test_a_service_that_never_answers_gives_way_to_the_tray(qtbot, bus, tray):
    server = NotificationServer(bus, silent=True)
    try:
        primary = FreedesktopNotifier.open(bus, reply_ms=300)
        notifier = RoutedNotifier(primary, TrayNotifier(tray))
        notifier.show(Notice("Call mum", "Due today", (uuid.uuid4(),)))
        qtbot.waitUntil(lambda: tray.messages == [("Call mum", "Due today")], timeout=WAIT_MS)
        assert [n.summary for n in server.notifications()] == ["Call mum"]  # it was asked
    finally:
        server.stop()


def test_without_a_session_bus_the_tray_shows_it(qtbot, workers, tray, gateway):
    desk = ReminderDesk(
        workers, make_notifier(tray, bus_address="unix:path=/nonexistent/bus", platform="linux")
    )
    gateway.add("Call mum", ago(seconds=1))
    desk.set_gateway(gateway)
    qtbot.waitUntil(lambda: len(tray.messages) == 1, timeout=WAIT_MS)


def test_a_click_on_the_tray_balloon_opens_the_task(qtbot, tray):
    notifier = TrayNotifier(tray)
    notice = Notice("Call mum", "Due today", (uuid.uuid4(),))
    notifier.show(notice)
    assert tray.messages == [("Call mum", "Due today")]
    with qtbot.waitSignal(notifier.action_invoked) as clicked:
        tray.messageClicked.emit()
    assert clicked.args == [notice, "default"]


def test_elsewhere_than_linux_the_tray_shows_it_even_with_a_bus(qtbot, bus, server, workers, tray, gateway):
    desk = ReminderDesk(workers, make_notifier(tray, bus_address=bus, platform="win32"))
    gateway.add("Call mum", ago(seconds=1))
    desk.set_gateway(gateway)
    qtbot.waitUntil(lambda: len(tray.messages) == 1, timeout=WAIT_MS)
    assert server.notifications() == []


def test_the_parts_the_window_wires_work_together(qtbot, bus, server, workers, gateway, tmp_path):
    parts = reminder_parts(workers, open_settings(tmp_path / "settings.ini"), QIcon(), bus_address=bus)
    task_id = gateway.add("Call mum", ago(seconds=1))
    parts.desk.set_gateway(gateway)
    [shown] = shown_by(qtbot, server, 1)
    with qtbot.waitSignal(parts.desk.open_requested, timeout=WAIT_MS) as opened:
        server.invoke_action(shown.id, "default")
    assert opened.args == [task_id]
    parts.desk.set_gateway(None)
