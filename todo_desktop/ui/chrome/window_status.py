"""The permanent part of the status bar, in the person's terms: the passing message, a warning,
the database waking, how many tasks the list holds, edits waiting, which workspace, and who is
signed in to a shared one. Technical facts (how long the last operation took, the local account,
hosts and notes) are kept for the diagnostics view (``diagnostics``), not shown here; and
``OutboxWatch``, which sends edits kept while the database was away, and asks the person about
those that met another device's change meanwhile."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QSize, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from todo_desktop.core.failures import Failure
from todo_desktop.core.ports import PendingEdits, Workspace
from todo_desktop.ui.chrome.theme import Space, error_style
from todo_desktop.ui.tasks.offline_conflicts import OfflineChoices
from todo_desktop.ui.workers import SEND_WAITING_EDITS, Workers

FLUSH_MS = 2_000
LOCAL_WHERE = "this computer"  # what a local workspace gives as its ``where``
ON_THIS_COMPUTER = "On this computer"
WAKING_NOTE = "Database waking up…"
WAKING_TIP = "The shared database sleeps when idle; it answers again in a few seconds."
LATENCIES_KEPT = 20  # the diagnostics show the last operation and the slowest of these


def tasks_text(count: int) -> str:
    if count == 0:
        return "No tasks"
    return "1 task" if count == 1 else f"{count:,} tasks"


def edits_text(count: int) -> str:
    return f"{count:,} edit" if count == 1 else f"{count:,} edits"


def pending_text(count: int) -> str:
    return f"{edits_text(count)} waiting"


class MessageLabel(QLabel):
    """A wrapped sentence as tall as its lines at the width it was given.

    The window sizes its status bar by the bar's size hint, which measures wrapped text at
    the narrowest width the label could get (a word a line); so the label reports no height
    for width and gives its height at its real width as its hint instead.
    """

    def hasHeightForWidth(self) -> bool:
        return False

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height())

    def sizeHint(self) -> QSize:
        lines = self.heightForWidth(self.width()) if self.text() else 0
        return QSize(0, max(lines, self.fontMetrics().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.refit()

    def refit(self) -> None:
        self.updateGeometry()
        bar = self.parentWidget()
        if bar is not None:
            bar.updateGeometry()  # its hint changed with ours; the window must hear of it


class WindowStatus(QObject):
    def __init__(self, bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The bar paints a passing message itself, on one line cut off at the first label
        # beside it, so a long sentence lost its end. This label shows it instead: all the
        # width the other labels leave, on as many lines as it needs. Its background hides
        # the bar's own cut-off copy beneath it.
        self.message_label = MessageLabel(bar)
        self.message_label.setAccessibleName("Message")
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message_label.setWordWrap(True)
        self.message_label.setAutoFillBackground(True)
        bar.addPermanentWidget(self.message_label, 1)
        bar.messageChanged.connect(self._show_message)
        self._bar = bar
        self.warning_label = self._label(bar, "Warning")
        self.warning_label.setStyleSheet(error_style(bold=True))
        self.waking_label = self._label(bar, "Database state")
        self.waking_label.setText(WAKING_NOTE)
        self.waking_label.setToolTip(WAKING_TIP)
        self.list_label = self._label(bar, "Tasks in this list")
        self.pending_label = self._label(bar, "Edits waiting")
        self.pending_label.setToolTip("Kept on this computer; sent when the database answers again.")
        self.where_label = self._label(bar, "Workspace")
        self.account_label = self._label(bar, "Signed in as")
        for label in (self.warning_label, self.waking_label, self.pending_label, self.account_label):
            label.hide()
        # Facts for the diagnostics view, by name, in the order they are first known.
        self._facts: dict[str, str] = {}
        self._latencies: deque[float] = deque(maxlen=LATENCIES_KEPT)

    @staticmethod
    def _label(bar: QStatusBar, name: str) -> QLabel:
        label = QLabel(bar)
        label.setAccessibleName(name)
        label.setContentsMargins(Space.SMALL, 0, Space.SMALL, 0)  # apart, without separators
        bar.addPermanentWidget(label)
        return label

    def take_back(self, text: str) -> None:
        """Clear the passing message if it still says ``text``: a sentence about a problem
        goes once the problem has, and a later message stays."""
        if self._bar.currentMessage() == text:
            self._bar.clearMessage()

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.refit()

    def facts(self) -> list[tuple[str, str]]:
        """What the diagnostics view shows: (name, value) pairs, none empty."""
        return [(name, value) for name, value in self._facts.items() if value]

    def show_workspace(self, workspace: Workspace, profile_name: str | None = None) -> None:
        """``profile_name`` for a shared profile: its host alone may read "this computer" too."""
        where = _where(workspace.where) if profile_name is None else f"{profile_name} ({workspace.where})"
        self.where_label.setText(where)
        # A quiet note (secrets in a private file) is there for whoever hovers, never in red.
        self.where_label.setToolTip(workspace.note or "")
        account = workspace.account
        # On this computer the account is the computer's own user: nothing to tell the person.
        self._show_account(account.display_name if profile_name is not None else "", account.email)
        self.warning_label.setText(workspace.warning or "")
        self.warning_label.setVisible(bool(workspace.warning))
        self._facts.update(
            {
                "Database": workspace.where,
                "Profile": profile_name or "Local",
                "Account": f"{account.display_name} <{account.email}>"
                if account.email
                else account.display_name,
                "Note": workspace.note or "",
                "Warning": workspace.warning or "",
            }
        )

    def show_closed(self, where: str, who: str) -> None:
        """No workspace: where the window is about to connect, and why nobody is signed in."""
        self.where_label.setText(_where(where))
        self.where_label.setToolTip("")
        self._show_account(who, "")
        self.warning_label.clear()
        self.warning_label.hide()
        self._facts.update({"Database": where, "Account": who, "Note": "", "Warning": ""})

    def _show_account(self, name: str, email: str) -> None:
        self.account_label.setText(name)
        self.account_label.setToolTip(email)
        self.account_label.setVisible(bool(name))

    def explain_where(self, note: str) -> None:
        self.where_label.setToolTip(note)
        self._facts["Note"] = note

    def show_list(self, name: str, count: int | None) -> None:
        """The list's count, in tasks; its name (the sidebar shows it already) for whoever hovers."""
        self.list_label.setText(name if count is None else tasks_text(count))
        described = name if count is None else f"{name}: {count:,}"
        self.list_label.setToolTip(described)
        self.list_label.setAccessibleDescription(described)
        self._facts["List"] = described

    def show_latency(self, ms: float) -> None:
        """How long the last database operation took: for the diagnostics view only."""
        self._latencies.append(ms)
        self._facts["Last operation"] = f"{ms:.0f} ms"
        self._facts[f"Slowest of the last {LATENCIES_KEPT}"] = f"{max(self._latencies):.0f} ms"

    def show_waking(self, waking: bool) -> None:
        """A sleeping serverless database is starting up for an operation that waits on it."""
        self.waking_label.setVisible(waking)

    def show_pending(self, count: int) -> None:
        self.pending_label.setText(pending_text(count) if count else "")
        self.pending_label.setVisible(count > 0)
        self._facts["Edits waiting"] = str(count) if count else ""


def _where(where: str) -> str:
    return ON_THIS_COMPUTER if where == LOCAL_WHERE else where


class OutboxWatch(QObject):
    """Shows how many edits wait in the workspace's outbox and sends them every
    ``interval_ms``, as a write job, so a flush stays in order with the person's edits.

    An edit the outbox keeps because it met another device's change is put to the person
    (``choices``) in a dialog over ``window`` (by default ``parent``, the main window)."""

    def __init__(
        self,
        status: WindowStatus,
        workers: Workers,
        workspace: Callable[[], Workspace | None],
        say: Callable[[str], None],
        sent: Callable[[], None],
        interval_ms: int = FLUSH_MS,
        parent: QObject | None = None,
        window: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._status = status
        self._workers = workers
        self._workspace = workspace
        self._say = say
        self._sent = sent
        self._busy = False
        window = window if window is not None else parent if isinstance(parent, QWidget) else None
        self.choices: OfflineChoices | None = None
        if window is not None:
            self.choices = OfflineChoices(window, workers, self._outbox, say, sent, parent=self)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def _outbox(self) -> PendingEdits | None:
        workspace = self._workspace()
        return workspace.outbox if workspace is not None else None

    def offline(self) -> bool:
        """Edits wait and the last attempt found no database: a queued edit's optimistic
        success proves nothing about the connection."""
        outbox = self._outbox()
        return outbox is not None and outbox.pending_count() > 0 and outbox.offline

    def tick(self) -> None:
        if self.choices is not None:
            self.choices.check()  # kept from an earlier run, or the window can ask now
        outbox = self._outbox()
        count = outbox.pending_count() if outbox is not None else 0
        self._status.show_pending(count)
        if outbox is None or not count or self._busy:
            return
        self._busy = True
        self._workers.write(
            outbox.flush_if_due,
            partial(self._flushed, outbox),
            partial(self._flushed, outbox),
            label=SEND_WAITING_EDITS,
        )

    def stop(self) -> None:
        self._timer.stop()

    def _flushed(self, outbox: PendingEdits, report: object) -> None:
        self._busy = False
        for problem in outbox.take_problems():
            self._say(problem)
        self._status.show_pending(outbox.pending_count())
        changed = 0 if isinstance(report, Failure) else _changed(report)
        if changed:
            # The lists show what the database holds now: sent edits, and the other device's
            # version of a task while the person is asked about their kept edit.
            self._sent()
        if self.choices is not None:
            self.choices.check()


def _changed(report: object) -> int:
    counts = (getattr(report, "sent", 0), getattr(report, "conflicts", 0))
    return sum(n for n in counts if isinstance(n, int))
