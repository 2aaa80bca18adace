"""The window's end of the instance socket: a second start brings the window forward, and
``todo-desktop add`` hands its task to the open window, which adds it as quick add does.

Anything local running as this user can connect, and a careless or hostile one must not
crash or stall the window: at most `MAX_CONNECTIONS` at once, `READ_TIMEOUT_MS` to send a
whole request, `MAX_MESSAGE` bytes, one request a connection, read strictly
(``instance_protocol``). The socket file is the user's alone (``UserAccessOption``, in a
``0700`` folder), and on Linux a peer that is not this user is refused all the same.

The protocol is in ``instance_protocol``; `WindowRequests` turns requests into the window's
own actions.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from todo_desktop.core.clock import LocalZone, utc_now
from todo_desktop.core.reminders import ReminderDefault, default_reminder
from todo_desktop.core.repeats import next_occurrence
from todo_desktop.ui.chrome.instance_protocol import (
    MAX_MESSAGE,
    AddRequest,
    DoneRequest,
    PingRequest,
    ProtocolError,
    Request,
    ShowRequest,
    accepted,
    encode,
    read_request,
    refusal,
)
from todo_desktop.ui.tasks.undo_commands import TaskCommand, quoted

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QTableView, QWidget

    from todo_desktop.core.values import TaskDraft
    from todo_desktop.ui.accounts.workspace_switch import WorkspaceSwitch
    from todo_desktop.ui.session import WorkspaceSession
    from todo_desktop.ui.tasks.commands import TaskCommands
    from todo_desktop.ui.tasks.edits import Done, TaskEditor
    from todo_desktop.ui.tasks.quick_add import QuickAdd

_log = logging.getLogger(__name__)

MAX_CONNECTIONS = 8
READ_TIMEOUT_MS = 2_000
# An add is answered once it is stored (or kept in the outbox); a database slow to answer
# gets this long, then the command hears that the window has the task and is saving it.
REPLY_WAIT_MS = 3_000

Reply = dict[str, Any]
Handler = Callable[[Request, Callable[[Reply], None]], None]


class InstanceServer(QObject):
    def __init__(self, handler: Handler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler = handler
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._open: set[_Connection] = set()

    def listen(self, address: str) -> bool:
        """Listen at ``address``. The caller holds the instance lock, so a socket file left
        there is a crashed window's, and is removed first."""
        QLocalServer.removeServer(address)
        if not self._server.listen(address):
            _log.warning("Not listening for other starts: %s", self._server.errorString())
            return False
        if os.name == "posix":
            os.chmod(address, 0o600)  # Qt made it the user's; say so plainly whatever the version
        _log.info("Listening for other starts and commands at %s", address)
        return True

    def close(self) -> None:
        self._server.close()

    @property
    def connections(self) -> int:
        return len(self._open)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            peer = self._server.nextPendingConnection()
            if len(self._open) >= MAX_CONNECTIONS or not _same_user(peer):
                peer.abort()
                peer.deleteLater()
                continue
            connection = _Connection(peer, self._handler, self._open.discard, self)
            self._open.add(connection)


class _Connection(QObject):
    """One request and its reply."""

    def __init__(
        self,
        peer: QLocalSocket,
        handler: Handler,
        gone: Callable[[_Connection], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._peer = peer
        peer.setParent(self)
        # Qt then stops reading from the socket: a flood waits in the kernel, not in memory.
        peer.setReadBufferSize(MAX_MESSAGE + 1)
        self._handler = handler
        self._gone = gone
        self._buffer = bytearray()
        self._asked = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._too_slow)
        self._timer.start(READ_TIMEOUT_MS)
        peer.readyRead.connect(self._read)
        peer.disconnected.connect(self._closed)
        if peer.bytesAvailable():
            self._read()

    def _read(self) -> None:
        if self._asked:  # one request a connection: the rest is not read
            self._peer.readAll()
            return
        self._buffer += bytes(self._peer.readAll().data())
        end = self._buffer.find(b"\n")
        if end < 0:
            if len(self._buffer) > MAX_MESSAGE:
                self._answer(refusal(f"The request is longer than {MAX_MESSAGE} bytes.", "too-large"))
            return
        self._asked = True
        self._timer.stop()
        try:
            request = read_request(bytes(self._buffer[:end]))
        except ProtocolError as exc:
            _log.info("Refused a request on the instance socket: %s", exc.message)
            self._answer(refusal(exc.message, exc.code))
            return
        try:
            self._handler(request, self._answer)
        except Exception:
            _log.exception("Handling a request on the instance socket failed")
            self._answer(refusal("Todo Desktop could not handle the request; see its log.", "failed"))

    def _answer(self, reply: Reply) -> None:
        """Send the reply and close; an answer that comes after the peer left goes nowhere."""
        self._asked = True
        if not shiboken6.isValid(self) or not shiboken6.isValid(self._peer):
            return
        if self._peer.state() == QLocalSocket.LocalSocketState.ConnectedState:
            self._peer.write(encode(reply))
            self._peer.flush()
            self._peer.disconnectFromServer()  # after the reply has been written
        else:
            self._closed()

    def _too_slow(self) -> None:
        self._answer(refusal("The request took too long to arrive.", "timeout"))

    def _closed(self) -> None:
        self._timer.stop()
        self._gone(self)
        self.deleteLater()


def _same_user(peer: QLocalSocket) -> bool:
    """On Linux, the kernel says who connected; elsewhere the folder's permissions decide."""
    if not sys.platform.startswith("linux"):
        return True
    try:
        with socket.fromfd(int(peer.socketDescriptor()), socket.AF_UNIX, socket.SOCK_STREAM) as dup:
            raw = dup.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return False
    _pid, uid, _gid = struct.unpack("3i", raw)
    if uid != os.geteuid():
        _log.warning("Refused a connection to the instance socket from user id %s", uid)
        return False
    return True


# -- the window's side -------------------------------------------------------------------


class NewTaskDefaults(Protocol):
    """What quick add gives a new task the text says nothing of (the list navigator)."""

    reminder_default: ReminderDefault


@dataclass(frozen=True)
class OutsideDesk:
    """The parts of the window a request may use, handed over by the window itself."""

    window: QWidget  # brought forward; the parent of reply timers
    session: WorkspaceSession
    switch: WorkspaceSwitch
    commands: TaskCommands
    editor: TaskEditor
    quick_add: QuickAdd
    undo_stack: QUndoStack
    table: QTableView
    say: Callable[[str], None]
    defaults: NewTaskDefaults


class WindowRequests:
    """What each request does to the window; a `Handler` for `InstanceServer`."""

    def __init__(self, desk: OutsideDesk) -> None:
        self._desk = desk

    def __call__(self, request: Request, answer: Callable[[Reply], None]) -> None:
        if isinstance(request, ShowRequest):
            self._show(request, answer)
        elif isinstance(request, PingRequest):
            answer(accepted(profile=self._desk.switch.current_id))
        elif isinstance(request, AddRequest):
            self._add(request, answer)
        else:
            self._done(request, answer)

    def _show(self, request: ShowRequest, answer: Callable[[Reply], None]) -> None:
        window = self._desk.window
        if request.activation_token:
            # Wayland lets a window take the focus only with a token from the launcher of
            # the start that asked; Qt reads it from here when the window asks to be active.
            os.environ["XDG_ACTIVATION_TOKEN"] = request.activation_token
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()
        _log.info("Another start brought the window forward")
        answer(accepted())

    def _refusal(self, profile: str) -> Reply | None:
        """Why the window cannot take an edit of ``profile`` now, or None when it can."""
        desk = self._desk
        if desk.switch.current_id != profile:
            return refusal("The window shows another profile.", "other-profile")
        if desk.commands.read_only is not None:
            return refusal(desk.commands.read_only, "refused")
        return None

    def _add(self, request: AddRequest, answer: Callable[[Reply], None]) -> None:
        desk = self._desk
        refused = self._refusal(request.profile)
        if refused is not None:
            answer(refused)
            return
        draft = request.draft()
        if draft.reminder is None:  # as if typed into quick add: the person's default reminder
            default = default_reminder(desk.defaults.reminder_default, draft.due_date, request.due_time)
            draft = replace(draft, reminder=default)
        if desk.session.workspace is None or not desk.editor.ready:
            if desk.switch.pending is None:
                answer(refusal("The window has no database open; open it there first.", "not-ready"))
                return
            # Still starting: it waits with what was typed meanwhile, and is added with it.
            desk.quick_add.early.append(draft)
            desk.say(f"{quoted(draft.title)} from the command line is added once the database is ready.")
            answer(accepted(id=str(draft.id), state="waiting"))
            return
        once = _Once(answer)
        outbox = desk.session.workspace.outbox

        def settled(ok: bool, said: str | None) -> None:
            if ok:
                kept = outbox is not None and outbox.pending_count() > 0
                once(accepted(id=str(draft.id), state="kept" if kept else "saved"))
            else:
                once(refusal(said or "The database refused the task.", "refused"))

        desk.undo_stack.push(AddFromOutside(desk.undo_stack, desk.editor, draft, settled))
        desk.table.scrollToTop()
        desk.say(f"Added {quoted(draft.title)} from the command line.")
        waiting = accepted(id=str(draft.id), state="waiting")
        QTimer.singleShot(REPLY_WAIT_MS, desk.window, lambda: once(waiting))

    def _done(self, request: DoneRequest, answer: Callable[[Reply], None]) -> None:
        refused = self._refusal(request.profile)
        if refused is None and not self._desk.editor.ready:
            refused = refusal("The window has no database open yet; try again in a moment.", "not-ready")
        if refused is not None:
            answer(refused)
            return
        editor = self._desk.editor
        said: list[str] = []

        def hear(text: str) -> None:
            said.append(text)

        def done(ok: bool) -> None:
            editor.message.disconnect(hear)
            answer(
                accepted(done=len(request.ids))
                if ok
                else refusal(said[-1] if said else "Not saved.", "refused")
            )

        editor.message.connect(hear)
        now, zone = utc_now(), LocalZone()
        shown = [task for task in (editor.model.task(i) for i in request.ids) if task is not None]
        nexts = {t.id: made for t in shown if (made := next_occurrence(t, now, zone)) is not None}
        editor.set_completed(list(request.ids), True, done=done, nexts=nexts)


class _Once:
    """The first answer goes out; later ones (a timer after the reply, say) are dropped."""

    def __init__(self, answer: Callable[[Reply], None]) -> None:
        self._answer: Callable[[Reply], None] | None = answer

    def __call__(self, reply: Reply) -> None:
        answer, self._answer = self._answer, None
        if answer is not None:
            answer(reply)


class AddFromOutside(TaskCommand):
    """A task from the command line, as quick add makes one (undoable, at once on screen,
    through the outbox when the database is away), that also says how its write settled.
    Refused, its title stays with the command that sent it instead of going to the field."""

    def __init__(
        self,
        stack: QUndoStack,
        editor: TaskEditor,
        draft: TaskDraft,
        settled: Callable[[bool, str | None], None],
    ) -> None:
        super().__init__(stack, editor, f"Add {quoted(draft.title)}")
        self._draft = draft
        self._report: Callable[[bool, str | None], None] | None = settled

    def apply(self, done: Done) -> None:
        report, self._report = self._report, None  # only the first run is the command's
        # The editor's own sentence for a refused create (``TaskEditor._create_failed``).
        editor, title = self._editor, f"“{self._draft.title}” was not added"
        said: list[str] = []

        def hear(text: str) -> None:
            if text.startswith(title):
                said.append(text)

        if report is not None:
            editor.message.connect(hear)

        def both(ok: bool) -> None:
            if report is not None:
                editor.message.disconnect(hear)
                report(ok, said[-1] if said else None)
            done(ok)  # last: a refused first run drops this command from the stack

        # Redo after undo writes the same id again (create is idempotent on the id).
        editor.create(self._draft, give_back=False, done=both)

    def revert(self, done: Done) -> None:
        self._editor.delete([self._draft.id], done=done)
