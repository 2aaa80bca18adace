"""Notifications through the desktop's own service: ``org.freedesktop.Notifications`` on D-Bus.

The messages go over jeepney (a pure-Python D-Bus library keyring already brings on Linux),
read from Qt's event loop through a socket notifier, so nothing here ever blocks the window.
QtDBus cannot be used from PySide6 for this: it has no way to send a ``uint32``, and the
spec's ``Notify`` takes its ``replaces_id`` as one; GLib- and Qt-based servers refuse the
call with any other signature.
"""

from __future__ import annotations

import html
import logging
from functools import partial
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, HeaderFields, Message, MessageType, new_method_call
from jeepney.bus_messages import MatchRule, message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PySide6.QtCore import QObject, QSocketNotifier, QTimer

from todo_desktop import APP_ID, APP_NAME
from todo_desktop.ui.reminders.notices import Notice, Notifier

_log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = SERVICE
NOTIFY_SIGNATURE = "susssasa{sv}i"
# A service that takes longer than this to answer (hung, or starting very slowly) is treated
# as absent for that notification, which then goes to the fallback.
REPLY_MS = 5_000
AUTH_TIMEOUT_S = 1.0
URGENCY_NORMAL = 1
DEFAULT_EXPIRY = -1  # the server's own default


def app_icon_name(icon_file: Path | None) -> str:
    """A ``file://`` URI of the icon when it is bundled, else the icon theme's name."""
    if icon_file is not None and icon_file.is_file():
        return icon_file.resolve().as_uri()
    return APP_ID


class FreedesktopNotifier(Notifier):
    """One connection to the bus; every Notify answered with an id, and the person's answer
    (``ActionInvoked``) taken only for ids this connection was given, from the service itself."""

    def __init__(
        self,
        connection: DBusConnection,
        *,
        icon: str = APP_ID,
        reply_ms: int = REPLY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._conn = connection
        self._icon = icon
        self._reply_ms = reply_ms
        self._waiting: dict[int, Notice] = {}  # serial of a Notify call -> its notice
        self._shown: dict[int, Notice] = {}  # notification id -> its notice
        self._server: str | None = None  # the unique bus name that answered Notify
        # A service with "body-markup" reads the body as markup: a title holding "<b>" or "&"
        # must then be escaped, or it would be taken as markup (or make the body invalid).
        self._markup = False
        self._capabilities_serial: int | None = None
        self._reader = QSocketNotifier(connection.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._reader.activated.connect(self._read)
        rule = MatchRule(type="signal", interface=INTERFACE, path=PATH)
        self._send(message_bus.AddMatch(rule))
        # Notices wait until the capabilities are known (at most ``reply_ms``), so none goes out
        # before we know whether its body must be escaped.
        self._held: list[Notice] | None = []
        self._capabilities_serial = self._send(
            new_method_call(DBusAddress(PATH, SERVICE, INTERFACE), "GetCapabilities")
        )
        if self._capabilities_serial is None:  # the bus is gone already: nothing to wait for
            self._held = None
        else:
            QTimer.singleShot(reply_ms, self, self._release)

    @classmethod
    def open(
        cls,
        address: str | None = None,
        *,
        icon: str = APP_ID,
        reply_ms: int = REPLY_MS,
        parent: QObject | None = None,
    ) -> FreedesktopNotifier | None:
        """Connect to the bus at ``address`` (None: this session's bus); None when there is none."""
        try:
            connection = open_dbus_connection(bus=address or "SESSION", auth_timeout=AUTH_TIMEOUT_S)
        except Exception as exc:  # no session bus, a stale address, a refused login: all mean "none"
            _log.info("No D-Bus session for notifications: %s", exc)
            return None
        return cls(connection, icon=icon, reply_ms=reply_ms, parent=parent)

    @property
    def showing(self) -> int:
        """Notifications on screen that this app still answers for."""
        return len(self._shown)

    def show(self, notice: Notice) -> None:
        if self._held is not None:
            self._held.append(notice)
            return
        actions = [part for action in notice.actions for part in action]
        hints = {"desktop-entry": ("s", APP_ID), "urgency": ("y", URGENCY_NORMAL)}
        text = html.escape(notice.body, quote=False) if self._markup else notice.body
        body = (APP_NAME, 0, self._icon, notice.summary, text, actions, hints, DEFAULT_EXPIRY)
        call = new_method_call(DBusAddress(PATH, SERVICE, INTERFACE), "Notify", NOTIFY_SIGNATURE, body)
        serial = self._send(call)
        if serial is None:
            self.failed.emit(notice)
            return
        self._waiting[serial] = notice
        QTimer.singleShot(self._reply_ms, self, partial(self._give_up, serial))

    def _release(self) -> None:
        held, self._held = self._held, None
        for notice in held or ():
            self.show(notice)

    def close(self) -> None:
        self._reader.setEnabled(False)
        self._conn.close()

    def _send(self, message: Message) -> int | None:
        serial = next(self._conn.outgoing_serial)
        try:
            self._conn.send(message, serial=serial)
        except OSError as exc:
            _log.info("Could not send to the notification service: %s", exc)
            return None
        return serial

    def _give_up(self, serial: int) -> None:
        notice = self._waiting.pop(serial, None)
        if notice is not None:
            _log.info("The notification service did not answer in %d ms", self._reply_ms)
            self.failed.emit(notice)

    def _read(self) -> None:
        while True:
            try:
                message = self._conn.receive(timeout=0)
            except TimeoutError:
                return  # everything that had arrived is handled
            except (OSError, ValueError) as exc:  # the bus went away, or sent garbage
                _log.info("The D-Bus connection for notifications ended: %s", exc)
                self._reader.setEnabled(False)
                self._release()
                for serial in list(self._waiting):
                    self._give_up(serial)
                return
            self._handle(message)

    def _handle(self, message: Message) -> None:
        kind = message.header.message_type
        fields = message.header.fields
        if kind in (MessageType.method_return, MessageType.error):
            if fields.get(HeaderFields.reply_serial) == self._capabilities_serial:
                answer: tuple[Any, ...] = message.body if kind is MessageType.method_return else ()
                self._markup = len(answer) > 0 and "body-markup" in answer[0]
                self._release()
                return
            notice = self._waiting.pop(fields.get(HeaderFields.reply_serial, -1), None)
            if notice is None:
                return
            if kind is MessageType.error or not message.body:
                _log.info("The notification service refused a notification: %s", message.body)
                self.failed.emit(notice)
                return
            self._server = fields.get(HeaderFields.sender)
            self._shown[int(message.body[0])] = notice
        elif kind is MessageType.signal and self._from_server(fields):
            member = fields.get(HeaderFields.member)
            if member == "ActionInvoked" and len(message.body) == 2:
                notice = self._shown.get(message.body[0])
                if notice is not None:
                    self.action_invoked.emit(notice, str(message.body[1]))
            elif member == "NotificationClosed" and message.body:
                self._shown.pop(message.body[0], None)

    def _from_server(self, fields: dict[HeaderFields, object]) -> bool:
        # Anyone on the session bus may emit a signal named ActionInvoked; only the service
        # that showed our notifications may answer for them (a forged "done" is ignored).
        return (
            self._server is not None
            and fields.get(HeaderFields.sender) == self._server
            and fields.get(HeaderFields.path) == PATH
            and fields.get(HeaderFields.interface) == INTERFACE
        )
