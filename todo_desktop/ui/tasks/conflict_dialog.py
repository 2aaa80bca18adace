"""Two devices changed one task: show both versions side by side and let the person choose.

The dialog does not block the window (the person may look at the list first). Keys:
Esc keeps theirs, the safe choice, which changes nothing. Enter keeps mine, the default
button: the person has just made that edit, and keeping it re-sends only the fields they
changed, so the other device's changes to the other fields stay.

The same dialog asks about an edit that waited offline (``waited``), and about a delete
that waited while the task was changed elsewhere (``deleting``): then there is only their
version to show, and Enter as well as Esc keeps the task; deleting it takes a deliberate
choice (the button, or Alt+D).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.core.values import Task, TaskChanges
from todo_desktop.ui.tags.names import repeat_words, tag_text
from todo_desktop.ui.tasks.columns import local_time
from todo_desktop.ui.tasks.edits import TaskEditor, applied

TITLE = "Changed on another device"
KEEP_THEIRS = "Keep theirs"
KEEP_MINE = "Keep mine"
KEEP_IT = "&Keep it"  # a delete's "theirs"
DELETE_ANYWAY = "&Delete anyway"  # a delete's "mine"
FIELDS: tuple[tuple[str, str], ...] = (
    ("Title", "title"),
    ("Priority", "priority"),
    ("Due", "due_date"),
    ("Done", "completed"),
)


def shown(task: Task, name: str) -> str:
    value = getattr(task, name)
    if name == "tags":
        return tag_text(value) or "—"
    if name == "repeat":
        return repeat_words(value, task.repeat_after_completion) if value else "—"
    if name == "due_date":
        return local_time(value) or "—"
    if name == "completed":
        return "Yes" if value else "No"
    if name == "priority":
        return str(value.name.capitalize())
    return str(value or "—")


def merged(first: TaskChanges, later: TaskChanges) -> TaskChanges:
    """Both edits as one: a field set in both takes the later value."""
    return TaskChanges(**{**first.as_dict(), **later.as_dict()})  # type: ignore[arg-type]


class ConflictDialog(QDialog):
    def __init__(
        self,
        theirs: Task,
        mine: TaskChanges,
        parent: QWidget | None = None,
        *,
        deleting: bool = False,
        waited: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self.theirs = theirs
        self.mine = mine
        self.deleting = deleting
        self.waited = waited  # the person's side waited offline before it met theirs
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        self.labels: dict[tuple[str, str], QLabel] = {}  # (field, "theirs" | "mine")
        buttons = QDialogButtonBox(self)
        self.theirs_button = QPushButton(KEEP_THEIRS, self)
        self.mine_button = QPushButton(KEEP_MINE, self)
        buttons.addButton(self.theirs_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.mine_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_versions(theirs, mine, deleting=deleting)

    def show_versions(self, theirs: Task, mine: TaskChanges, *, deleting: bool = False) -> None:
        """(Re)fill the table; called again when more of the person's edits ran into it."""
        self.theirs, self.mine, self.deleting = theirs, mine, deleting
        self._show_choices()
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.labels.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        # A delete leaves only their version to show.
        yours = None if deleting else applied(theirs, mine)
        rows = list(FIELDS)
        notes = theirs.description != yours.description if yours is not None else theirs.description
        if notes:
            rows.append(("Notes", "description"))
        for name, attr in (("Tags", "tags"), ("Repeat", "repeat")):  # shown where either side has them
            if getattr(theirs, attr) or (yours is not None and getattr(yours, attr)):
                rows.append((name, attr))
        headers = ("", "Theirs (other device)") if yours is None else ("", "Theirs (other device)", "Yours")
        for column, text in enumerate(headers):
            header = QLabel(text, self)
            header.setFont(bold)
            self.grid.addWidget(header, 0, column)
        sides = [("theirs", theirs)] if yours is None else [("theirs", theirs), ("mine", yours)]
        for row, (name, attr) in enumerate(rows, start=1):
            self.grid.addWidget(QLabel(name, self), row, 0)
            differs = yours is not None and getattr(theirs, attr) != getattr(yours, attr)
            for column, (side, task) in enumerate(sides, start=1):
                label = QLabel(shown(task, attr), self)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setWordWrap(True)
                if differs:
                    label.setFont(bold)
                label.setAccessibleName(f"{name}, {'theirs' if side == 'theirs' else 'yours'}")
                self.grid.addWidget(label, row, column)
                self.labels[(attr, side)] = label

    def _show_choices(self) -> None:
        if self.deleting:
            intro = (
                "This task was changed on another device since you deleted it. Delete it anyway, or keep it?"
            )
            self.theirs_button.setText(KEEP_IT)
            self.mine_button.setText(DELETE_ANYWAY)
            self.theirs_button.setToolTip("Enter or Esc: keep the task as the other device left it.")
            self.mine_button.setToolTip("Alt+D: delete it, with the other device's changes.")
        else:
            seen = "while your edit waited to be sent" if self.waited else "after you last saw it"
            intro = f"This task was changed on another device {seen}. Which version do you want to keep?"
            self.theirs_button.setText(KEEP_THEIRS)
            self.mine_button.setText(KEEP_MINE)
            self.theirs_button.setToolTip("Esc: keep the other device's version; your change is dropped.")
            self.mine_button.setToolTip("Enter: write your change over it (only the fields you changed).")
        self.intro.setText(intro)
        # Enter keeps an edit the person made, but never deletes what they have not seen.
        self.mine_button.setDefault(not self.deleting)
        self.theirs_button.setDefault(self.deleting)

    def accept(self) -> None:
        self.choice = KEEP_MINE
        super().accept()

    def reject(self) -> None:
        self.choice = KEEP_THEIRS
        super().reject()


class ConflictResolver(QObject):
    """One dialog per task in conflict; the person's later edits of it join the open one."""

    def __init__(self, editor: TaskEditor, parent_widget: QWidget, say: Callable[[str], None]) -> None:
        super().__init__(parent_widget)
        self._editor = editor
        self._parent = parent_widget
        self._say = say
        self.dialogs: dict[uuid.UUID, ConflictDialog] = {}
        editor.conflict.connect(self.show_conflict)
        editor.unbound.connect(self.close_all)

    def show_conflict(self, task_id: uuid.UUID, theirs: Task, mine: TaskChanges) -> None:
        dialog = self.dialogs.get(task_id)
        if dialog is not None:
            newer = theirs if theirs.updated_at >= dialog.theirs.updated_at else dialog.theirs
            dialog.show_versions(newer, merged(dialog.mine, mine))
            dialog.raise_()
            return
        dialog = ConflictDialog(theirs, mine, self._parent)
        dialog.finished.connect(lambda _result, task_id=task_id: self._chosen(task_id))
        self.dialogs[task_id] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _chosen(self, task_id: uuid.UUID) -> None:
        dialog = self.dialogs.pop(task_id, None)
        if dialog is None:
            return
        dialog.deleteLater()
        self._parent.activateWindow()  # the keyboard goes back to the list
        theirs, mine = dialog.theirs, dialog.mine
        if dialog.choice == KEEP_MINE and self._editor.ready:
            self._editor.keep_mine(theirs, mine)
            self._say("Keeping your version; saving it over the other device's.")
        else:
            self._editor.keep_theirs(theirs)
            self._say("Kept the version from the other device.")

    def close_all(self) -> None:
        """The workspace closed: nothing to choose any more (their version stays)."""
        for dialog in list(self.dialogs.values()):
            dialog.reject()
