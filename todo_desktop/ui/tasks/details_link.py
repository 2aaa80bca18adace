"""Keeps the details pane and the task list in step: which task the pane shows, saving its
edits as undoable commands, and putting refused typing back into it.

The pane always shows the selected task, so its heading names that task and Ctrl+Enter saves
into it. Typing that cannot follow along is never dropped: input the rules refuse keeps the
list on its task until it is fixed or taken back; typing the database refused, or left on a
task the person moved away from, waits for that task and comes back when it is selected.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView, QSplitter, QTableView

from todo_desktop.core.failures import Failure
from todo_desktop.core.values import Task, TaskChanges
from todo_desktop.sync.edit_versions import quoted
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.commands import NOTHING_SELECTED, TaskCommands
from todo_desktop.ui.tasks.details_pane import FIELDS, UNSAVED, DetailsPane, Typed

PANE_WIDTH = 300
TYPED = frozenset({"title", "description", "tags", "repeat"})  # fields typed, not chosen
KEPT = "Not saved: what you typed for {title} is kept; select that task again to finish it."
REFUSED_KEPT = "Not changed: {failure} What you typed for {title} is kept; select that task to see it."


class DetailsLink(QObject):
    def __init__(
        self,
        pane: DetailsPane,
        commands: TaskCommands,
        splitter: QSplitter,
        say: Callable[[str], None],
        leave: Callable[[], None],
        unsay: Callable[[str], None],
    ) -> None:
        super().__init__(pane)
        self.pane = pane
        self.commands = commands
        self.model = commands.model
        self._splitter = splitter
        # The list of this model, to keep its selection on a task whose typing must be fixed.
        self._view = next((v for v in splitter.findChildren(QTableView) if v.model() is self.model), None)
        self._say = say
        self._leave = leave
        # Typing not stored, per task, until that task is shown again.
        self._kept: dict[uuid.UUID, Typed] = {}
        pane.save_requested.connect(self._save)
        # The status bar's "Not saved yet" goes with the last marked field: it is no longer true.
        pane.input_corrected.connect(lambda: unsay(UNSAVED))
        pane.leave_requested.connect(leave)
        commands.editor.edit_failed.connect(self._edit_failed)
        commands.editor.unbound.connect(self._unbound)
        commands.title_refused.connect(self._title_refused)
        self.model.dataChanged.connect(lambda *_: self._model_changed())
        self.model.rowsRemoved.connect(lambda *_: self.follow_current())
        self.model.modelReset.connect(self.follow_current)

    def typing_in(self) -> set[uuid.UUID]:
        """Tasks the person is typing into (a title in the list, or the details): their rows
        wait, so the typing stays based on the version it started from."""
        typing: set[uuid.UUID] = set()
        if self._view is not None and self._view.state() == QAbstractItemView.State.EditingState:
            current = self.commands.current_task()
            if current is not None:
                typing.add(current.id)
        pane = self.pane
        if pane.task_id is not None and any(pane.is_field_dirty(f) for f in FIELDS):
            typing.add(pane.task_id)
        return typing

    def details_key(self) -> None:
        """Ctrl+Enter: save when inside the details, else open them for the current task."""
        if self.pane.contains_focus():
            if self.pane.save_all():
                self._leave()
            return
        self.open_details("title")

    def open_details(self, field: str) -> None:
        task = self.commands.current_task()
        if task is None and self.pane.task_id is None:
            self._say(NOTHING_SELECTED)
            return
        if task is not None:
            self._show(task)
        sizes = self._splitter.sizes()
        if sizes[-1] == 0:  # collapsed by dragging: open it again
            sizes[-2] = max(sizes[-2] - PANE_WIDTH, 200)
            sizes[-1] = PANE_WIDTH
            self._splitter.setSizes(sizes)
        self.pane.focus_field(field)

    def follow_current(self) -> None:
        task = self.commands.current_task()
        if task is not None:
            self._show(task)
            return
        # No current row (a reload on its way, or the list emptied): keep showing the task
        # while someone works in the pane; otherwise let go of a task that left the list.
        # An emptied list is asked nothing more: inside its rowsRemoved the model still
        # holds the row numbers of the tasks just removed.
        shown = self.pane.task_id
        gone = shown is not None and (not self.model.rowCount() or self.model.task(shown) is None)
        if gone and not self.pane.contains_focus():
            self.pane.show_task(None)

    def _show(self, task: Task) -> None:
        """Show the selected ``task``, taking care of what was typed for the one shown before."""
        pane, shown = self.pane, self.pane.shown_task
        leaving = shown is not None and shown.id != task.id
        typed = pane.typed() if leaving else None
        if shown is not None and typed is not None:
            if pane.has_wrong_input() and self.model.row_of(shown.id) is not None:
                # Once the view has finished with this click or key, or it would undo this.
                QTimer.singleShot(0, lambda: self._stay_on(shown.id))
                self._say(UNSAVED)
                return
            self._kept[shown.id] = typed
            self._say(KEPT.format(title=quoted(shown.title)))
        pane.show_task(task, force=typed is not None)
        kept = self._kept.pop(task.id, None)
        if kept is not None and pane.task_id == task.id:
            pane.put_back(kept)

    def _stay_on(self, task_id: uuid.UUID) -> None:
        row = self.model.row_of(task_id)
        if self._view is None or row is None or self.pane.task_id != task_id:
            return
        flags = QItemSelectionModel.SelectionFlag
        self._view.selectionModel().setCurrentIndex(
            self.model.index(row, Column.TITLE), flags.ClearAndSelect | flags.Rows
        )

    def _model_changed(self) -> None:
        task_id = self.pane.task_id
        task = self.model.task(task_id) if task_id is not None else None
        if task is not None:
            self.pane.refresh(task)

    def _unbound(self) -> None:
        # Another workspace (or account) comes next: nothing of this one may stay on show.
        task_id, typed = self.pane.task_id, self.pane.typed()
        if task_id is not None and typed is not None:
            self._kept[task_id] = typed
        self.pane.show_task(None, force=True)

    def _save(self, task_id: uuid.UUID, changes: TaskChanges) -> None:
        shown = self.model.task(task_id) or self.pane.shown_task
        if shown is not None and shown.id == task_id:
            self.commands.save(shown, changes)

    def _edit_failed(self, task_id: uuid.UUID, changes: TaskChanges, failure: Failure) -> None:
        """A refused edit: typed text goes back into the details, with the reason beside it."""
        refused = Typed.refused(changes, str(failure), failure.field)
        if self.pane.task_id == task_id:
            self.pane.put_back(refused)
            return
        if not TYPED.intersection(changes.as_dict()):
            return  # nothing typed: the rolled-back row and the status bar say it all
        # The person has moved on; the pane stays with the task they are looking at.
        self._kept[task_id] = refused
        task = self.model.task(task_id)
        title = task.title if task is not None else str(changes.title or "")
        self._say(REFUSED_KEPT.format(failure=failure, title=quoted(title)))

    def _title_refused(self, task_id: uuid.UUID, text: str, message: str) -> None:
        task = self.model.task(task_id)
        if task is not None and self.pane.show_task(task, force=self.pane.task_id == task.id):
            self.pane.show_title_attempt(text, message)
