"""Edits that waited offline and met another device's change, put to the person one at a time
in the same dialog as a live conflict.

The outbox keeps each of them (``todo_desktop.sync.conflicts``) until the person chooses;
this only asks, and hands the answer back to the outbox as a write, in order with the
person's other edits. It asks only while the window is the active one and no modal dialog
or popup is open: a question that appeared over another app, or under a dialog, would catch
keys meant for something else (Enter answers it). Otherwise it waits for the window to be
activated again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from todo_desktop.core.failures import Failure
from todo_desktop.core.values import TaskChanges
from todo_desktop.sync.conflicts import Conflict, ConflictChoices
from todo_desktop.sync.edit_versions import quoted
from todo_desktop.ui.tasks.conflict_dialog import KEEP_MINE, ConflictDialog
from todo_desktop.ui.workers import Workers


def asking(conflict: Conflict) -> str:
    """The status bar's sentence while the dialog is open."""
    name = quoted(conflict.theirs.title)
    if conflict.deleting:
        return f"{name} was changed on another device since you deleted it; choose whether to keep it."
    return f"{name} was changed on another device while your edit waited; choose which version to keep."


def answered(conflict: Conflict, keep_mine: bool, settled: object) -> str:
    """The status bar's sentence once the outbox has the answer."""
    if keep_mine and settled is False:
        return f"{quoted(conflict.theirs.title)} was changed on another device again; choose once more."
    if conflict.deleting:
        return "Deleting it after all." if keep_mine else "Kept the task as the other device left it."
    return "Keeping your version over theirs." if keep_mine else "Kept the other device's version."


class OfflineChoices(QObject):
    """Asks about each conflict the workspace's outbox keeps, when ``window`` is active."""

    def __init__(
        self,
        window: QWidget,
        workers: Workers,
        outbox: Callable[[], object | None],
        say: Callable[[str], None],
        settled: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._workers = workers
        self._outbox = outbox
        self._say = say
        self._settled = settled  # an answer reached the outbox: the lists may have changed
        self._asked: tuple[ConflictChoices, Conflict] | None = None
        self._answering = False  # an answer is on its way to the outbox
        self.dialog: ConflictDialog | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.WindowActivate:
            QTimer.singleShot(0, self, self.check)  # once the activation has settled
        return False

    def _choices(self) -> ConflictChoices | None:
        outbox = self._outbox()
        return outbox if isinstance(outbox, ConflictChoices) else None

    def check(self) -> None:
        """Ask about the oldest waiting conflict, if now is a good moment; keep an open
        question up to date. Reads memory only."""
        choices = self._choices()
        if self._asked is not None:
            self._follow(choices)
            return
        if choices is None or self._answering or not self._may_ask():
            return
        waiting = choices.conflicts()
        if waiting:
            self._ask(choices, waiting[0])

    def _may_ask(self) -> bool:
        return (
            self._window.isVisible()
            and self._window.isActiveWindow()
            and QApplication.activeModalWidget() is None
            and QApplication.activePopupWidget() is None
        )

    def _ask(self, choices: ConflictChoices, conflict: Conflict) -> None:
        dialog = ConflictDialog(
            conflict.theirs, _mine(conflict), self._window, deleting=conflict.deleting, waited=True
        )
        dialog.finished.connect(partial(self._chosen, dialog))
        self.dialog, self._asked = dialog, (choices, conflict)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self._say(asking(conflict))

    def _follow(self, choices: ConflictChoices | None) -> None:
        """More edits joined the open question, or it went away (another workspace, say)."""
        assert self._asked is not None and self.dialog is not None
        asked_of, conflict = self._asked
        now = _find(choices, conflict.task_id) if choices is asked_of else None
        if now is None:
            self._drop()
        elif now != conflict:
            self._asked = (asked_of, now)
            self.dialog.show_versions(now.theirs, _mine(now), deleting=now.deleting)

    def _drop(self) -> None:
        """Close the question unanswered; the outbox still keeps it, to ask another time."""
        dialog, self.dialog, self._asked = self.dialog, None, None
        if dialog is not None:
            dialog.finished.disconnect()
            dialog.close()
            dialog.deleteLater()

    def _chosen(self, dialog: ConflictDialog, _result: int) -> None:
        if self._asked is None or dialog is not self.dialog:
            return
        choices, conflict = self._asked
        self.dialog, self._asked = None, None
        dialog.deleteLater()
        self._window.activateWindow()  # the keyboard goes back to the list
        keep_mine = dialog.choice == KEEP_MINE
        answer = choices.keep_mine if keep_mine else choices.keep_theirs
        self._answering = True
        self._workers.write(
            partial(answer, conflict.task_id),
            partial(self._answered, choices, conflict, keep_mine),
            self._not_answered,
            label=KEEP_MINE if keep_mine else "keep theirs",
        )

    def _answered(
        self, choices: ConflictChoices, conflict: Conflict, keep_mine: bool, settled: object
    ) -> None:
        self._answering = False
        self._say(answered(conflict, keep_mine, settled))
        for problem in choices.take_problems():  # say, the task was deleted elsewhere meanwhile
            self._say(problem)
        self._settled()
        self.check()

    def _not_answered(self, failure: Failure) -> None:
        # The outbox still keeps the question: it comes back at the next activation.
        self._answering = False
        self._say(f"Your choice was not saved: {failure}")


def _mine(conflict: Conflict) -> TaskChanges:
    return conflict.mine if conflict.mine is not None else TaskChanges()


def _find(choices: ConflictChoices | None, task_id: uuid.UUID) -> Conflict | None:
    if choices is None:
        return None
    return next((c for c in choices.conflicts() if c.task_id == task_id), None)
