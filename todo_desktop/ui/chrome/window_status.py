"""The permanent part of the status bar: the passing message, warning, list and count, edits
waiting, where, who, and latency; and ``OutboxWatch``, which sends edits kept while the database
was away, and asks the person about those that met another device's change meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QSize, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from todo_desktop.core.failures import Failure
from todo_desktop.core.ports import PendingEdits, Workspace
from todo_desktop.ui.chrome.theme import error_style
from todo_desktop.ui.tasks.offline_conflicts import OfflineChoices
from todo_desktop.ui.workers import SEND_WAITING_EDITS, Workers

FLUSH_MS = 2_000


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
        self.warning_label = self._label(bar, "Warning")
        self.warning_label.setStyleSheet(error_style(bold=True))
        self.warning_label.hide()
        self.list_label = self._label(bar, "Current list")
        self.pending_label = self._label(bar, "Edits waiting")
        self.pending_label.setToolTip("Kept on this computer; sent when the database answers again.")
        self.pending_label.hide()
        self.where_label = self._label(bar, "Database location")
        self.account_label = self._label(bar, "Signed in as")
        self.latency_label = self._label(bar, "Last operation time")
        for label in (
            self.warning_label,
            self.list_label,
            self.pending_label,
            self.where_label,
            self.account_label,
            self.latency_label,
        ):
            bar.addPermanentWidget(label)

    @staticmethod
    def _label(bar: QStatusBar, name: str) -> QLabel:
        label = QLabel(bar)
        label.setAccessibleName(name)
        return label

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.refit()

    def show_workspace(self, workspace: Workspace, profile_name: str | None = None) -> None:
        """``profile_name`` for a shared profile: its host alone may read "this computer" too."""
        where = workspace.where if profile_name is None else f"{profile_name} ({workspace.where})"
        self.where_label.setText(where)
        # A quiet note (secrets in a private file) is there for whoever hovers, never in red.
        self.where_label.setToolTip(workspace.note or "")
        self.account_label.setText(workspace.account.display_name)
        self.account_label.setToolTip(workspace.account.email)
        self.warning_label.setText(workspace.warning or "")
        self.warning_label.setVisible(bool(workspace.warning))

    def show_closed(self, where: str, who: str) -> None:
        """No workspace: where the window is about to connect, and why nobody is signed in."""
        for label, text in ((self.where_label, where), (self.account_label, who)):
            label.setText(text)
            label.setToolTip("")
        self.warning_label.clear()
        self.warning_label.hide()

    def explain_where(self, note: str) -> None:
        self.where_label.setToolTip(note)

    def show_list(self, name: str, count: int | None) -> None:
        self.list_label.setText(name if count is None else f"{name}: {count:,}")

    def show_latency(self, ms: float) -> None:
        self.latency_label.setText(f"{ms:.0f} ms")

    def show_pending(self, count: int) -> None:
        self.pending_label.setText(pending_text(count) if count else "")
        self.pending_label.setVisible(count > 0)


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
