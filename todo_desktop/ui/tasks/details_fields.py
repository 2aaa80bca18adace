"""The details pane's fields typed in words: tags, the repeat rule, and the due date.

Tags are typed as ``#home #work`` (or with commas); the repeat as a quick-add phrase ("every
2 weeks", "every month on the 1st"), shown back in words once stored; the due date may be
typed as quick-add words ("tomorrow 5pm", "fri", "in 3 days") beside its date editor. Each
reads by the same rules as quick add, and wrong input gets one sentence beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

from todo_desktop.core.errors import ValidationError
from todo_desktop.core.quick_entry import PartKind, QuickEntry
from todo_desktop.core.values import Task, TaskChanges
from todo_desktop.ui.chrome.theme import error_style
from todo_desktop.ui.lists.search import KeyLineEdit
from todo_desktop.ui.tags.names import read_repeat, read_tags, repeat_words, tag_text

FIELDS = ("title", "description", "priority", "due_date", "tags", "repeat")
# The words quick add reads a due date in need a title before them; this one is dropped.
_TITLE = "Task"
NOT_A_DUE = "Due reads like “tomorrow 5pm”, “fri”, “dec 24” or “in 3 days”; the date stays as it was."
_DUE_KINDS = {PartKind.DATE, PartKind.TIME}

Reader = Callable[[str], tuple[QuickEntry, str]]


@dataclass(frozen=True)
class Typed:
    """Input of one task that is not stored: each field as typed, and the sentences beside them."""

    values: dict[str, object]
    errors: dict[str, str]
    stored: tuple[str, ...] = ()  # fields to show as stored, whatever they showed before

    @classmethod
    def refused(cls, changes: TaskChanges, message: str, field: str | None) -> Typed:
        """A refused save: what was typed, and the reason beside the field it names. A choice
        from a list (priority) is no typing to keep: its field goes back to the stored value."""
        tried = changes.as_dict()
        values = {k: v for k, v in tried.items() if k not in ("priority", "repeat_after_completion")}
        if isinstance(values.get("tags"), tuple):
            values["tags"] = tag_text(values["tags"])  # type: ignore[arg-type]
        if "repeat" in values:  # back in the words the field shows
            rule = values["repeat"]
            after = bool(tried.get("repeat_after_completion"))
            values["repeat"] = repeat_words(rule, after) if isinstance(rule, str) else ""
        target = field if field in FIELDS else next(iter(tried), None)
        if target == "repeat_after_completion":
            target = "repeat"
        stored = ("priority",) if "priority" in tried else ()
        return cls(values, {target if target in FIELDS else "general": message}, stored)


class WordFields:
    """The fields typed in words. ``read`` reads quick-add text with the window's clock, zone
    and date order (None: due dates are not read in words)."""

    def __init__(self, parent: QWidget, read: Reader | None) -> None:
        self._read = read
        self.tags_edit = KeyLineEdit(parent)
        self.tags_edit.setAccessibleName("Tags")
        self.tags_edit.setPlaceholderText("#home #errands")
        self.repeat_edit = KeyLineEdit(parent)
        self.repeat_edit.setAccessibleName("Repeat")
        self.repeat_edit.setPlaceholderText("every week, every 2 days…")
        self.due_words = KeyLineEdit(parent)
        self.due_words.setAccessibleName("Due in words")
        self.due_words.setPlaceholderText("or type: tomorrow 5pm")
        self.due_words.setVisible(read is not None)
        self.edits = {"due_date": self.due_words, "tags": self.tags_edit, "repeat": self.repeat_edit}

    def fill(self, field: str, task: Task | None) -> None:
        if field == "tags":
            self.tags_edit.setText(tag_text(task.tags) if task else "")
        elif field == "repeat":
            self.repeat_edit.setText(shown_repeat(task))
        else:
            self.due_words.clear()

    def raw(self, field: str) -> str:
        return (self.tags_edit if field == "tags" else self.repeat_edit).text()

    def clean(self, field: str, task: Task | None) -> object:
        text = self.raw(field)
        if field == "tags":
            return read_tags(text)
        if task is not None and text.strip() == shown_repeat(task):
            return stored_repeat(task)  # untouched: whatever its words would read back as
        return read_repeat(text, task.due_date if task is not None else None)

    def put_back(self, field: str, value: object) -> None:
        edit = self.tags_edit if field == "tags" else self.repeat_edit
        edit.setText(str(value or ""))

    def due_typed(self) -> str:
        return self.due_words.text() if self.due_words.text().strip() else ""

    def read_due(self, text: str) -> datetime:
        """The due date quick add reads in ``text``; anything else in it is refused."""
        if self._read is None:
            raise ValidationError("due_date", NOT_A_DUE)
        entry, _said = self._read(f"{_TITLE} {text}")
        parts = {part.kind for part in entry.parts}
        if entry.due is None or entry.title != _TITLE or not parts <= _DUE_KINDS:
            raise ValidationError("due_date", NOT_A_DUE)
        return entry.due


def error_label(parent: QWidget, field: str) -> QLabel:
    """Where a field's one sentence goes, hidden until there is one."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(error_style())
    label.setAccessibleName(f"{field.replace('_', ' ').capitalize()} problem")
    label.hide()
    return label


def with_error(parent: QWidget, field: QWidget | QLayout, error: QLabel) -> QWidget:
    box = QWidget(parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    if isinstance(field, QWidget):
        column.addWidget(field)
    else:
        column.addLayout(field)
    column.addWidget(error)
    return box


def stored_repeat(task: Task) -> tuple[str | None, bool]:
    return (task.repeat, task.repeat_after_completion if task.repeat else False)


def shown_repeat(task: Task | None) -> str:
    if task is None or not task.repeat:
        return ""
    return repeat_words(task.repeat, task.repeat_after_completion)
