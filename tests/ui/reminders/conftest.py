"""A private D-Bus session with a notification server of our own on it, and a desktop with a
system tray, worker pools and an in-memory reminder gateway, for the reminder tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from tests.support.memory_reminders import MemoryReminders
from tests.support.notification_server import NotificationServer, private_bus
from todo_desktop.ui.workers import Workers

WAIT_MS = 5_000


@pytest.fixture
def bus() -> Iterator[str]:
    with private_bus() as address:
        yield address


@pytest.fixture
def server(bus) -> Iterator[NotificationServer]:
    made = NotificationServer(bus)
    yield made
    made.stop()


@pytest.fixture
def desktop_tray(monkeypatch) -> Iterator[None]:
    """A desktop with a system tray (offscreen has none), for windows built while it is used.
    The application's quit-on-last-window setting, which the tray changes, is put back."""
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    quit_on_close = QApplication.quitOnLastWindowClosed()
    yield
    QApplication.setQuitOnLastWindowClosed(quit_on_close)


@pytest.fixture
def session_bus(monkeypatch, bus) -> str:
    """The private bus as this process's session bus: a window's notifier finds it there."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus)
    return bus


@pytest.fixture
def workers(qtbot) -> Iterator[Workers]:
    made = Workers()
    yield made
    for pool in made.findChildren(QThreadPool):
        pool.waitForDone(WAIT_MS)


@pytest.fixture
def gateway() -> MemoryReminders:
    return MemoryReminders()
