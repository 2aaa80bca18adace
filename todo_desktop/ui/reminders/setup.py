"""Builds the reminder parts the window wires up: the tray icon, the notifier and the desk."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from todo_desktop.machine.autostart import Autostart
from todo_desktop.ui.chrome.icons import app_icon_png
from todo_desktop.ui.reminders.desk import ReminderDesk
from todo_desktop.ui.reminders.notices import Notifier, RoutedNotifier, TrayNotifier, WindowNotifier
from todo_desktop.ui.reminders.tray import Tray, tray_if_available
from todo_desktop.ui.workers import Workers

_log = logging.getLogger(__name__)

NOTIFICATION_ICON_PX = 128


def desktop_notifier(address: str | None = None, *, parent: QObject | None = None) -> Notifier | None:
    """The desktop's notification service on D-Bus; None where there is none to reach."""
    try:
        from todo_desktop.ui.reminders.freedesktop import FreedesktopNotifier, app_icon_name
    except ImportError as exc:  # no jeepney in this build or on this platform
        _log.info("No D-Bus notifications: %s", exc)
        return None
    icon = app_icon_name(app_icon_png(NOTIFICATION_ICON_PX))
    return FreedesktopNotifier.open(address, icon=icon, parent=parent)


def make_notifier(
    tray_icon: QSystemTrayIcon,
    *,
    bus_address: str | None = None,
    platform: str | None = None,
    parent: QObject | None = None,
    fallback: Notifier | None = None,
) -> RoutedNotifier:
    """The desktop's service where it is the usual way (Linux and BSD), ``fallback`` (by
    default the tray) elsewhere and for whatever that service does not show."""
    name = sys.platform if platform is None else platform
    use_bus = not name.startswith(("win", "darwin"))
    primary = desktop_notifier(bus_address, parent=parent) if use_bus else None
    return RoutedNotifier(primary, fallback or TrayNotifier(tray_icon, parent), parent)


@dataclass(frozen=True)
class ReminderParts:
    tray: Tray | None  # None where the desktop has no system tray
    notifier: Notifier
    desk: ReminderDesk
    # Without a tray, what the notification service cannot show goes to the status bar.
    window_notices: WindowNotifier | None = None


def reminder_parts(
    workers: Workers,
    settings: QSettings,
    icon: QIcon,
    *,
    parent: QObject | None = None,
    bus_address: str | None = None,
) -> ReminderParts:
    tray = tray_if_available(icon, settings, Autostart(), parent)
    # Without a tray a hidden icon's balloon would show nowhere: the window says it instead.
    window_notices = WindowNotifier(parent) if tray is None else None
    tray_icon = tray.icon if tray is not None else QSystemTrayIcon(icon, parent)
    notifier = make_notifier(tray_icon, bus_address=bus_address, parent=parent, fallback=window_notices)
    return ReminderParts(tray, notifier, ReminderDesk(workers, notifier, parent), window_notices)
