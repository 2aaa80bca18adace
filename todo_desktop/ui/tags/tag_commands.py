"""Tag edits as undoable commands on the window's one undo stack, beside the task edits."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from todo_desktop.core.values import TagRemoval
from todo_desktop.ui.tags.tag_edits import Outcome, Renamed, TagEditor
from todo_desktop.ui.tasks.edits import Done, TaskEditor
from todo_desktop.ui.tasks.undo_commands import TaskCommand


class RenameTag(TaskCommand):
    """A rename, or a merge into a tag that exists; undo puts back exactly which tasks had
    which name (see ``tag_edits``)."""

    def __init__(
        self, stack: QUndoStack, editor: TaskEditor, tags: TagEditor, old: str, new: str, *, merge: bool
    ) -> None:
        text = f"Merge #{old} into #{new}" if merge else f"Rename #{old} to #{new}"
        super().__init__(stack, editor, text)
        self._tags = tags
        self._old = old
        self._new = new
        self._merge = merge
        self.record: Outcome[Renamed] = Outcome()

    def apply(self, done: Done) -> None:
        self.record = Outcome()  # a redo records afresh: the tasks may differ by now
        self._tags.rename(self._old, self._new, self._merge, self.record, done)

    def revert(self, done: Done) -> None:
        self._tags.unrename(self.record, done)


class DeleteTag(TaskCommand):
    """The tag off every task that has it; undo puts it back on the same tasks."""

    def __init__(self, stack: QUndoStack, editor: TaskEditor, tags: TagEditor, name: str) -> None:
        super().__init__(stack, editor, f"Delete tag #{name}")
        self._tags = tags
        self._name = name
        self.removal: Outcome[TagRemoval] = Outcome()

    def apply(self, done: Done) -> None:
        self.removal = Outcome()
        self._tags.delete(self._name, self.removal, done)

    def revert(self, done: Done) -> None:
        self._tags.restore(self.removal, done)
