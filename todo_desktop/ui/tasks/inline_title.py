"""A title being typed in the list outlives the list being read again.

A reload (F5, the database coming back, the window activated again, a repeating task's next
occurrence) resets the model, and a reset closes the view's editor without committing it:
what was typed went with it. So the typing, with its cursor, is taken before the reset and
put back into a fresh editor on the same task after it. When the task is no longer in the
list (another list was chosen while typing), the typing is saved as leaving the field by
any other way would save it. Before the workspace itself goes (sign-out, another profile,
quitting) the window asks for the same save at once: the editor is closed then, and what it
held would otherwise go with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QLineEdit, QTableView

from todo_desktop.core.values import Task
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.commands import TaskCommands


@dataclass(frozen=True)
class _Typing:
    task: Task  # as it was when the typing began to wait
    text: str
    cursor: int
    selection: tuple[int, int] | None  # start and length, when some text was selected
    focused: bool


class InlineTitleKeeper(QObject):
    def __init__(self, table: QTableView, commands: TaskCommands) -> None:
        super().__init__(table)
        self._table = table
        self._commands = commands
        self._typing: _Typing | None = None
        commands.model.modelAboutToBeReset.connect(self._take)
        commands.model.modelReset.connect(self._put_back)

    def _editor(self) -> QLineEdit | None:
        if self._table.state() != QAbstractItemView.State.EditingState:
            return None
        # The view keeps its editors to itself; the one open is a line edit on its viewport.
        for child in self._table.viewport().children():
            if isinstance(child, QLineEdit) and not child.isHidden():
                return child
        return None

    def _typed(self, editor: QLineEdit | None) -> _Typing | None:
        task = self._commands.current_task()
        if editor is None or task is None:
            return None
        selected = editor.hasSelectedText()
        selection = (editor.selectionStart(), len(editor.selectedText())) if selected else None
        return _Typing(task, editor.text(), editor.cursorPosition(), selection, editor.hasFocus())

    def _take(self) -> None:
        self._typing = self._typed(self._editor())

    def save_open(self) -> None:
        """Save the title being typed in the list, if any, as leaving the field would."""
        editor = self._editor()
        typing = self._typed(editor)
        if editor is None or typing is None:
            return
        # Closed first, without its own commit: the rename below is the one save, and a
        # reset that follows finds no editor to carry over.
        self._table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        self._save(typing)

    def _put_back(self) -> None:
        typing, self._typing = self._typing, None
        if typing is None:
            return
        row = self._commands.model.row_of(typing.task.id)
        if row is None:
            self._save(typing)
            return
        index = self._commands.model.index(row, Column.TITLE)
        self._table.setCurrentIndex(index)
        self._table.edit(index)
        editor = self._editor()
        if editor is None:  # the view would not edit now: keep the words by saving them
            self._save(typing)
            return
        editor.setText(typing.text)
        if typing.selection is not None:
            editor.setSelection(*typing.selection)
        else:
            editor.setCursorPosition(typing.cursor)
        if typing.focused:
            editor.setFocus()

    def _save(self, typing: _Typing) -> None:
        # No workspace (it closed): nowhere to save to, and "kept" would not be true.
        if typing.text != typing.task.title and self._commands.editor.ready:
            self._commands.rename_task(typing.task, typing.text)
