"""The tray icon: quick add, open, today's count, the two "keep running" choices, and quit.

Closing the window keeps the app in the tray only when the person chose that (off by
default); the first time the window goes to the tray, the tray says so once.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from todo_desktop import APP_NAME
from todo_desktop.machine.autostart import Autostart, AutostartError
from todo_desktop.ui.chrome.icons import Glyph, icon_set

CLOSE_TO_TRAY = "tray/close_to_tray"
TOLD_HIDDEN = "tray/told_hidden"
HIDDEN_TITLE = f"{APP_NAME} is still running"
HIDDEN_TEXT = "It stays here to remind you. Quit from this icon's menu, or with Ctrl+Q in the window."
NOTE_MS = 8_000


def today_line(count: int) -> str:
    if count <= 0:
        return "Nothing due today"
    return f"{count} due today"


def _flag(settings: QSettings, key: str) -> bool:
    # INI files give back strings ("true"); a damaged value reads as the default, off.
    return str(settings.value(key, False)).lower() in {"true", "1"}


class Tray(QObject):
    quick_add_requested = Signal()
    open_requested = Signal()
    quit_requested = Signal()
    said = Signal(str)  # one sentence for the window's status bar (say, autostart refused)

    def __init__(
        self,
        icon: QIcon,
        settings: QSettings,
        autostart: Autostart | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._autostart = autostart
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setToolTip(APP_NAME)
        # The menu has no parent widget to own it, so this object keeps it alive.
        self.menu = QMenu()
        self.menu.setAccessibleName(f"{APP_NAME} tray menu")
        self.quick_add_action = self.menu.addAction("Quick Add…", self.quick_add_requested.emit)
        self.open_action = self.menu.addAction(f"Open {APP_NAME}", self.open_requested.emit)
        self.today_action = self.menu.addAction(today_line(0))
        self.today_action.setEnabled(False)
        self.menu.addSeparator()
        self.close_to_tray_action = self._choice("Keep Running in the Tray When Closed", self._keep_in_tray)
        self.close_to_tray_action.setChecked(_flag(settings, CLOSE_TO_TRAY))
        self.start_at_login_action = self._choice("Start at Login", self._start_at_login)
        self.start_at_login_action.setChecked(autostart is not None and autostart.enabled())
        self.start_at_login_action.setVisible(autostart is not None and autostart.available)
        self.menu.addSeparator()
        self.quit_action = self.menu.addAction("Quit", self.quit_requested.emit)
        # The choices are check boxes and have no glyph: the check mark takes its place.
        icons = icon_set()
        for action, glyph in (
            (self.quick_add_action, Glyph.NEW_TASK),
            (self.open_action, Glyph.WINDOW),
            (self.today_action, Glyph.TODAY),
            (self.quit_action, Glyph.QUIT),
        ):
            icons.attach(action, glyph)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.destroyed.connect(self.menu.deleteLater)

    def _choice(self, text: str, slot: object) -> QAction:
        action = self.menu.addAction(text)
        action.setCheckable(True)
        action.toggled.connect(slot)
        return action

    def show(self) -> None:
        self.icon.show()

    def set_today_count(self, count: int) -> None:
        line = today_line(count)
        self.today_action.setText(line)
        self.icon.setToolTip(f"{APP_NAME}: {line[0].lower()}{line[1:]}")

    def should_hide_on_close(self) -> bool:
        """Closing the window hides it instead: the person chose so and the icon is there."""
        return _flag(self._settings, CLOSE_TO_TRAY) and self.icon.isVisible()

    def note_hidden(self) -> None:
        """The window just went to the tray: say so, the first time only."""
        if _flag(self._settings, TOLD_HIDDEN):
            return
        self.icon.showMessage(HIDDEN_TITLE, HIDDEN_TEXT, QSystemTrayIcon.MessageIcon.Information, NOTE_MS)
        self._settings.setValue(TOLD_HIDDEN, True)
        self._settings.sync()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    def _keep_in_tray(self, on: bool) -> None:
        self._settings.setValue(CLOSE_TO_TRAY, on)
        self._settings.sync()

    def _start_at_login(self, on: bool) -> None:
        if self._autostart is None:
            return
        try:
            self._autostart.set_enabled(on)
        except AutostartError as exc:
            self.said.emit(exc.message)
            self.start_at_login_action.blockSignals(True)
            self.start_at_login_action.setChecked(not on)
            self.start_at_login_action.blockSignals(False)


def tray_if_available(
    icon: QIcon, settings: QSettings, autostart: Autostart | None = None, parent: QObject | None = None
) -> Tray | None:
    """The tray icon, shown; None where the desktop has no system tray."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = Tray(icon, settings, autostart, parent)
    tray.show()
    return tray
