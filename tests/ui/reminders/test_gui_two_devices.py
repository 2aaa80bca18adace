"""Two devices of one person, one reminder: one notification. Two reminder desks (each with
its own workers, its own connection to the database and its own sign-in, as two running
apps have) watch the same shared database and show through a notification server on a
private D-Bus session; the reminder comes due and both look at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QSystemTrayIcon

from tests.support.notification_server import dbus_daemon_available
from todo_desktop.core.values import ReminderSetting, TaskDraft
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.ui.reminders.desk import ReminderDesk
from todo_desktop.ui.reminders.setup import make_notifier
from todo_desktop.ui.workers import Workers

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not dbus_daemon_available(), reason="needs dbus-daemon for a private session bus"),
]

WAIT_MS = 10_000
PASSWORD = "Correct horse battery staple"


@pytest.fixture
def devices(
    qtbot, test_db, accounts, alice, bus, server
) -> Iterator[list[tuple[ReminderDesk, ReminderRepository]]]:
    made = []
    for _ in range(2):
        target = parse_database_url(test_db.client_url, pooled=True if test_db.pooler_address else None)
        db = Database(create_db_engine(target), target, retry_budget=2.0)
        gateway = ReminderRepository(db, accounts.sign_in("alice@example.com", PASSWORD).token)
        workers = Workers()
        tray = QSystemTrayIcon()  # the fallback, unused while the service answers
        desk = ReminderDesk(workers, make_notifier(tray, bus_address=bus, platform="linux"))
        made.append((desk, gateway, workers, db, tray))
    yield [(desk, gateway) for desk, gateway, *_ in made]
    for desk, _, workers, db, _ in made:
        desk.set_gateway(None)
        for pool in workers.findChildren(QThreadPool):
            pool.waitForDone(WAIT_MS)
        db.dispose()


def test_a_reminder_rings_on_one_device_not_both(qtbot, devices, server, alice_tasks, client_db, alice):
    (first, _), (second, _) = devices
    for desk, gateway in devices:  # both running, nothing due yet
        desk.set_gateway(gateway)
    task = alice_tasks.create(TaskDraft("Call the plumber"))
    ReminderRepository(client_db, alice.token).set_reminder(
        task.id, ReminderSetting(at=datetime.now(UTC) - timedelta(seconds=1))
    )
    first.check_now()
    second.check_now()
    qtbot.waitUntil(lambda: len(server.notifications()) >= 1, timeout=WAIT_MS)
    qtbot.wait(1_000)  # time for a second one, which must not come
    for desk in (first, second):
        desk.check_now()
    qtbot.wait(500)
    assert [n.summary for n in server.notifications()] == ["Call the plumber"]
