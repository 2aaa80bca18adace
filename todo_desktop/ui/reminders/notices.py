"""What a notification says, and the small interface every way of showing one shares.

Two backends stand behind it: the desktop's own notification service over D-Bus
(``freedesktop.FreedesktopNotifier``) and the tray icon's balloon (``TrayNotifier``), for
platforms without that service or when it does not answer; without a tray, the window's
status bar (``WindowNotifier``). ``RoutedNotifier`` tries the first and falls back to the
second for each notification the first could not show.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

_log = logging.getLogger(__name__)

# The action keys the freedesktop spec passes back; "default" is a click on the notification.
DONE = "done"
SNOOZE = "snooze"
OPEN = "default"
SNOOZE_MINUTES = 10
REMINDER_ACTIONS = ((DONE, "Done"), (SNOOZE, f"Snooze {SNOOZE_MINUTES} min"), (OPEN, "Open"))
OPEN_ONLY = ((OPEN, "Open"),)
TRAY_MESSAGE_MS = 10_000


@dataclass(frozen=True, slots=True)
class Notice:
    summary: str
    body: str
    task_ids: tuple[uuid.UUID, ...]  # one task, or several for a group of missed reminders
    actions: tuple[tuple[str, str], ...] = REMINDER_ACTIONS  # (key, label)


class Notifier(QObject):
    """Shows notices; reports the person's answer to one and the notices it could not show."""

    action_invoked = Signal(object, str)  # Notice, action key (DONE, SNOOZE or OPEN)
    failed = Signal(object)  # a Notice this backend could not show

    def show(self, notice: Notice) -> None:
        raise NotImplementedError


class TrayNotifier(Notifier):
    """The tray icon's balloon: no buttons, so a click on it means Open."""

    def __init__(self, tray: QSystemTrayIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = tray
        self._last: Notice | None = None
        tray.messageClicked.connect(self._clicked)

    def show(self, notice: Notice) -> None:
        self._last = notice
        self._tray.showMessage(
            notice.summary, notice.body, QSystemTrayIcon.MessageIcon.Information, TRAY_MESSAGE_MS
        )

    def _clicked(self) -> None:
        # Only the newest balloon can be on screen; a click is about that one.
        if self._last is not None:
            self.action_invoked.emit(self._last, OPEN)


class WindowNotifier(Notifier):
    """Where the desktop has no tray to fall back on: one line for the window's status bar.
    The database marked the reminder delivered when this device claimed it, so a reminder
    shown nowhere would be lost. No buttons: the task is in the window's own list."""

    said = Signal(str)

    def show(self, notice: Notice) -> None:
        self.said.emit(" · ".join([notice.summary, *notice.body.splitlines()]))


class RoutedNotifier(Notifier):
    """The desktop's service first; what it cannot show goes to the fallback."""

    def __init__(self, primary: Notifier | None, fallback: Notifier, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._primary = primary
        self._fallback = fallback
        fallback.action_invoked.connect(self.action_invoked)
        fallback.failed.connect(self.failed)
        if primary is not None:
            primary.action_invoked.connect(self.action_invoked)
            primary.failed.connect(self._fall_back)

    def show(self, notice: Notice) -> None:
        (self._primary or self._fallback).show(notice)

    def _fall_back(self, notice: Notice) -> None:
        _log.info("The notification service did not show a reminder; using the tray instead")
        self._fallback.show(notice)
