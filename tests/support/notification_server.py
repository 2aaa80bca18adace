"""A private D-Bus session with a notification server of our own that records what it gets.

``private_bus()`` starts a ``dbus-daemon --session`` of its own (never the desktop's bus) and
gives its address. ``NotificationServer`` owns ``org.freedesktop.Notifications`` on it, as a
desktop's notification daemon does: it answers ``Notify`` with a new id (checking the
argument signature as GLib and Qt servers do), ``GetCapabilities`` and
``GetServerInformation``, records every notification, and can emit ``ActionInvoked`` and
``NotificationClosed`` as a person's click would.

It runs on its own thread with its own connection; signals asked for from the test thread are
sent by that thread, so the connection is only ever used from one thread.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from jeepney import DBusAddress, HeaderFields, Message, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"


@dataclass(frozen=True)
class Received:
    id: int
    app_name: str
    replaces_id: int
    app_icon: str
    summary: str
    body: str
    actions: list[str]
    hints: dict[str, tuple[str, object]]
    expire_timeout: int

    @property
    def action_pairs(self) -> list[tuple[str, str]]:
        return list(zip(self.actions[::2], self.actions[1::2], strict=True))


def dbus_daemon_available() -> bool:
    return shutil.which("dbus-daemon") is not None


@contextlib.contextmanager
def private_bus() -> Iterator[str]:
    """A session bus of its own for the duration; yields its address."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon printed no address")
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


class NotificationServer:
    def __init__(
        self, address: str, *, capabilities: tuple[str, ...] = ("actions", "body"), silent: bool = False
    ) -> None:
        self._conn: DBusConnection = open_dbus_connection(bus=address)
        reply = self._conn.send_and_get_reply(message_bus.RequestName(NAME), timeout=5)
        if reply.body[0] != 1:  # DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
            raise RuntimeError(f"could not own {NAME}: {reply.body}")
        self.unique_name = self._conn.unique_name
        self.capabilities = list(capabilities)
        self.silent = silent  # records every call but answers none (a hung daemon)
        self.received: list[Received] = []
        self.refused: list[str] = []  # signatures of Notify calls refused
        self._lock = threading.Lock()
        self._outbox: queue.Queue[Message] = queue.Queue()
        self._stop = threading.Event()
        self._next_id = 1
        self._thread = threading.Thread(target=self._serve, name="notification-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._conn.close()

    def notifications(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def invoke_action(self, notification_id: int, key: str) -> None:
        self._emit("ActionInvoked", "us", (notification_id, key))

    def close_notification(self, notification_id: int, reason: int = 2) -> None:
        self._emit("NotificationClosed", "uu", (notification_id, reason))

    def _emit(self, member: str, signature: str, body: tuple[object, ...]) -> None:
        emitter = DBusAddress(PATH, interface=NAME)
        self._outbox.put(new_signal(emitter, member, signature, body))

    def _serve(self) -> None:
        while not self._stop.is_set():
            while not self._outbox.empty():
                self._conn.send(self._outbox.get())
            try:
                message = self._conn.receive(timeout=0.02)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.message_type is MessageType.method_call:
                answer = self._answer(message)
                if not self.silent:
                    self._conn.send(answer)

    def _answer(self, call: Message) -> Message:
        fields = call.header.fields
        member = fields.get(HeaderFields.member)
        if member == "Notify":
            signature = fields.get(HeaderFields.signature, "")
            if signature != NOTIFY_SIGNATURE:
                self.refused.append(signature)
                return new_error(
                    call, "org.freedesktop.DBus.Error.InvalidArgs", "s", (f"bad signature {signature}",)
                )
            with self._lock:
                notification_id = call.body[1] or self._next_id
                self._next_id += 1
                self.received.append(Received(notification_id, *call.body))
            return new_method_return(call, "u", (notification_id,))
        if member == "GetCapabilities":
            return new_method_return(call, "as", (self.capabilities,))
        if member == "GetServerInformation":
            return new_method_return(call, "ssss", ("recorder", "tests", "1", "1.2"))
        if member == "CloseNotification":
            return new_method_return(call)
        return new_error(call, "org.freedesktop.DBus.Error.UnknownMethod")


class Forger:
    """Another client on the same bus, emitting signals under the server's interface name."""

    def __init__(self, address: str) -> None:
        self._conn = open_dbus_connection(bus=address)

    def action_invoked(self, notification_id: int, key: str) -> None:
        emitter = DBusAddress(PATH, interface=NAME)
        self._conn.send(new_signal(emitter, "ActionInvoked", "us", (notification_id, key)))

    def close(self) -> None:
        self._conn.close()
