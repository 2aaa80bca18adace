"""Where the keyboard is when a list arrives: on the list (never pulled from someone typing or
choosing a list), on the task that was current before a reload when it is still there, else
on the first task. Enter pressed in the search field before the results came takes the
result the keyboard lands on, once they are here."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from todo_desktop.ui.tasks.area import TaskArea
from todo_desktop.ui.tasks.commands import TaskCommands
from todo_desktop.ui.tasks.inline_title import InlineTitleKeeper
from todo_desktop.ui.tasks.task_list import TaskListController


class ListFocus(QObject):
    def __init__(self, area: TaskArea, tasks: TaskListController, commands: TaskCommands) -> None:
        super().__init__(area)
        self._area = area
        self._tasks = tasks
        self._commands = commands
        self._kept_id: uuid.UUID | None = None  # the current task across a reload
        # The selected tasks across a reload: a quiet one (another device's task arriving, the
        # window activated) must not shrink a selection to one row under the next key.
        self._kept_selection: list[uuid.UUID] = []
        self._chosen_early = False  # Enter in the search field, its results on their way
        area.search.chosen.connect(self._chosen)
        area.search.textChanged.connect(self._forget_choice)
        tasks.loaded.connect(self._loaded)
        tasks.load_failed.connect(self._failed)
        tasks.model.modelAboutToBeReset.connect(self._remember_current)
        # Connected after the view's own slots: it has taken in the new rows when this runs.
        self.inline_title = InlineTitleKeeper(area.table, commands)

    def _loaded(self) -> None:
        table, model, placeholder = self._area.table, self._tasks.model, self._area.placeholder
        self._area.show_list()
        focus = QApplication.focusWidget()
        # Never pull focus away from someone typing or choosing a list.
        if focus is None or focus is placeholder or placeholder.isAncestorOf(focus):
            table.setFocus()
        if not table.currentIndex().isValid() and model.rowCount():
            # A reload keeps the person's place when their task is still in the list.
            row = model.row_of(self._kept_id) if self._kept_id is not None else None
            selected = [r for i in self._kept_selection if (r := model.row_of(i)) is not None]
            if row is None and selected:
                row = selected[0]
            table.setCurrentIndex(model.index(row or 0, 1))
            if row:
                table.scrollTo(model.index(row, 1))
            if len(selected) > 1:
                self._commands.select_rows(selected)
        if self._chosen_early:
            self._chosen_early = False
            if self._area.search.hasFocus():
                self._area.enter_in_list()

    def _chosen(self) -> None:
        if self._area.rows_due:
            self._chosen_early = True
        else:
            self._area.enter_in_list()

    def _forget_choice(self) -> None:
        self._chosen_early = False

    def _failed(self, message: str) -> None:
        self._chosen_early = False
        if not self._area.showing_list():
            self._area.show_error(message)

    def _remember_current(self) -> None:
        current = self._commands.current_task()
        self._kept_id = current.id if current is not None else None
        self._kept_selection = [t.id for t in self._commands.selected_tasks()]
