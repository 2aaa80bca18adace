"""The details pane: title, notes, priority, due date, tags and repeat of one task.

A field saves when focus leaves it (or with Enter in a one-line field, or Ctrl+Enter,
handled by the window). Each field is checked with the shared input rules first; a wrong
value stays as typed, with the reason beside it, until the person corrects it. A field the
person has changed but not saved is never overwritten by a refresh. With no task, every
field is empty and the pane shows a quiet note instead of the form (``details_form``). Tags,
the repeat and the due date in words are read as quick add reads them (``details_fields``).
The Remind row is laid out here but stored apart, by ``details_reminder``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QStackedLayout, QVBoxLayout, QWidget

from todo_desktop.core import validation
from todo_desktop.core.clock import from_epoch
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.values import Task, TaskChanges
from todo_desktop.ui.chrome.theme import pane_margins
from todo_desktop.ui.tasks.details_fields import FIELDS, Reader, Typed, stored_repeat
from todo_desktop.ui.tasks.details_form import NO_TASK, DetailsForm, DetailsPlaceholder

__all__ = ["FIELDS", "NO_TASK", "UNSAVED", "DetailsPane", "Typed"]
WORDS = ("tags", "repeat")  # typed in words, read by ``WordFields``
UNSAVED = "Not saved yet: fix the marked field, or press Ctrl+Z in it to take the change back."


def _minute(value: datetime | None) -> datetime | None:
    return value.replace(second=0, microsecond=0) if value is not None else None


class DetailsPane(QWidget):
    save_requested = Signal(object, object)  # task id, TaskChanges
    leave_requested = Signal()  # Esc: back to the list
    shown = Signal(object)  # the Task now shown, or None
    refreshed = Signal(object)  # the Task shown, changed in the list (its due date, say)
    reminder_commit = Signal()  # the Remind field is to be stored (``details_reminder``)
    input_corrected = Signal()  # no field holds refused input any more

    def __init__(
        self,
        default_due: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        read: Reader | None = None,
    ) -> None:
        """``read``: quick add's reader (the window's clock, zone and date order), for the due
        date typed in words."""
        super().__init__(parent)
        self.setAccessibleName("Task details")
        self._default_due = default_due
        self._task: Task | None = None
        self._offered_due = False  # a date put in the field for the person, not yet touched

        self.form = DetailsForm(self, read)
        self.placeholder = DetailsPlaceholder(self)
        form = self.form
        self.heading, self.title_edit = form.heading, form.title_edit
        self.description_edit = form.description_edit
        self.priority_combo, self.no_due, self.due_edit = form.priority_combo, form.no_due, form.due_edit
        self.words, self.errors, self.general_error = form.words, form.errors, form.general_error
        self.tags_edit, self.repeat_edit = self.words.tags_edit, self.words.repeat_edit
        self.reminder_edit, self.reminder_error = form.reminder_edit, form.reminder_error
        self.priority_combo.activated.connect(lambda _i: self.save_field("priority"))
        self.no_due.toggled.connect(self._no_due_toggled)
        self.pages = QStackedLayout()
        outer = QVBoxLayout(self)  # a stacked layout alone ignores its margins
        pane_margins(outer)
        outer.addLayout(self.pages)
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(self.form)
        self._groups: dict[str, tuple[QWidget, ...]] = {
            "title": (self.title_edit,),
            "description": (self.description_edit,),
            "priority": (self.priority_combo,),
            "due_date": (self.due_edit, self.no_due, self.words.due_words),
            "tags": (self.tags_edit,),
            "repeat": (self.repeat_edit,),
            "reminder": (self.reminder_edit,),  # not a task field: saved apart
        }
        for field, edit in self.words.edits.items():
            edit.escaped.connect(self.leave_requested)
            edit.returnPressed.connect(lambda field=field: self.save_field(field))
            edit.textEdited.connect(lambda _text, field=field: self._corrected(field))
        self.reminder_edit.escaped.connect(self.leave_requested)
        self.reminder_edit.returnPressed.connect(lambda: self.save_field("reminder"))
        self.title_edit.escaped.connect(self.leave_requested)
        self.title_edit.returnPressed.connect(lambda: self.save_field("title"))
        self.title_edit.textEdited.connect(lambda _text: self._corrected("title"))
        self.description_edit.textChanged.connect(lambda: self._corrected("description"))
        self.due_edit.dateTimeChanged.connect(lambda _when: self._corrected("due_date"))
        self.no_due.toggled.connect(lambda _checked: self._corrected("due_date"))
        for touched in (self.due_edit.dateTimeChanged, self.no_due.toggled, self.words.due_words.textEdited):
            touched.connect(self._due_touched)
        # A day picked: the same day as offered changes no value. (Enter sends the value again.)
        self.due_edit.calendarWidget().clicked.connect(self._due_touched)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
        self.show_task(None)

    # What is shown ---------------------------------------------------------------------

    @property
    def task_id(self) -> uuid.UUID | None:
        return self._task.id if self._task is not None else None

    @property
    def shown_task(self) -> Task | None:
        return self._task

    def show_task(self, task: Task | None, *, force: bool = False) -> bool:
        """Show ``task`` (the one shown: refresh it); refused (False) while input is unsaved."""
        if not force and task is not None and task.id == self.task_id:
            self.refresh(task)
            return True
        if not force and self.is_dirty():
            return False
        self._task = task
        self.heading.setText(task.title if task is not None else NO_TASK)
        self.pages.setCurrentWidget(self.form if task is not None else self.placeholder)
        for members in self._groups.values():
            for widget in members:
                widget.setEnabled(task is not None)
        for field in FIELDS:
            self._fill(field, task)
            self.set_error(field, "")
        self.set_error("general", "")
        self.shown.emit(task)
        return True

    def refresh(self, task: Task) -> None:
        """The task changed in the list: update the fields the person has not changed."""
        if self._task is None or task.id != self._task.id:
            return
        dirty = {field for field in FIELDS if self.is_field_dirty(field)}
        self._task = task
        self.heading.setText(task.title)
        for field in FIELDS:
            if field not in dirty:
                self._fill(field, task)
        self.refreshed.emit(task)

    def _fill(self, field: str, task: Task | None) -> None:
        if field in WORDS:
            self.words.fill(field, task)
        elif field == "title":
            self.title_edit.setText(task.title if task else "")
        elif field == "description":
            self.description_edit.setPlainText((task.description or "") if task else "")
        elif field == "priority":
            self.priority_combo.setCurrentIndex(self.priority_combo.findData(task.priority) if task else -1)
        else:
            self.words.fill(field, task)
            due = task.due_date if task else None
            self.no_due.blockSignals(True)
            self.no_due.setChecked(due is None)
            self.no_due.blockSignals(False)
            self.due_edit.setEnabled(task is not None and due is not None)
            if due is not None:
                self.set_due(due)
            else:  # not the last task's date, greyed out
                self.due_edit.setDateTime(self.due_edit.minimumDateTime())
            self._offered_due = False

    def set_due(self, due: datetime) -> None:
        self.due_edit.show_due(QDateTime.fromSecsSinceEpoch(int(due.timestamp())))

    def _no_due_toggled(self, checked: bool) -> None:
        self.due_edit.setEnabled(not checked)
        if not checked and (self._task is None or self._task.due_date is None):
            self.set_due(self._default_due())

    # Reading the fields ----------------------------------------------------------------

    def raw_value(self, field: str) -> object:
        if field in WORDS:
            return self.words.raw(field)
        if field == "title":
            return self.title_edit.text()
        if field == "description":
            return self.description_edit.toPlainText()
        if field == "priority":
            return self.priority_combo.currentData()
        if self.words.due_typed():
            return self.words.due_typed()  # words not read yet: they are what was typed
        if self.no_due.isChecked():
            return None
        return from_epoch(self.due_edit.dateTime().toSecsSinceEpoch())

    def clean_value(self, field: str) -> object:
        """The field's value by the input rules; raises ValidationError with its sentence."""
        raw = self.raw_value(field)
        if field in WORDS:
            return self.words.clean(field, self._task)
        if isinstance(raw, str) and field == "due_date":
            return self.words.read_due(raw)
        if field == "title":
            return validation.title(str(raw))
        if field == "description":
            return validation.description(str(raw))
        if field == "priority":
            return validation.priority(raw)
        return validation.due_date(raw if isinstance(raw, datetime) else None)

    def is_field_dirty(self, field: str) -> bool:
        if self._task is None:
            return False
        try:
            value = self.clean_value(field)
        except ValidationError:
            return True
        current = stored_repeat(self._task) if field == "repeat" else getattr(self._task, field)
        if field == "due_date":
            return _minute(value) != _minute(current)  # type: ignore[arg-type]
        return bool(value != current)

    def is_dirty(self) -> bool:
        return any(self.is_field_dirty(field) for field in FIELDS)

    def has_wrong_input(self) -> bool:
        """True while a field holds what the input rules refuse."""
        return any(self._problem(field) is not None for field in FIELDS)

    def _problem(self, field: str) -> str | None:
        try:
            self.clean_value(field)
        except ValidationError as exc:
            return exc.message
        return None

    def _corrected(self, field: str) -> None:
        # A sentence about the field goes once the field passes the rules; one still true stays.
        if self._task is None or not self.error(field) or self._problem(field) is not None:
            return
        self.set_error(field, "")
        if not self.has_wrong_input():
            if self.error("general") == UNSAVED:
                self.set_error("general", "")
            self.input_corrected.emit()

    def typed(self) -> Typed | None:
        """What was typed for the shown task and not stored, with its sentences; None if nothing."""
        values = {field: self.raw_value(field) for field in FIELDS if self.is_field_dirty(field)}
        if not values:
            return None
        errors = {name: self.error(name) for name in (*FIELDS, "general") if self.error(name)}
        return Typed(values, errors)

    def changes(self, fields: tuple[str, ...] = FIELDS) -> TaskChanges | None:
        """The changed fields as TaskChanges; None if any is wrong (its sentence is shown)."""
        values: dict[str, object] = {}
        ok = True
        for field in fields:
            try:
                value = self.clean_value(field)
            except ValidationError as exc:
                self.set_error(field, exc.message)
                ok = False
                continue
            self.set_error(field, "")
            if self.is_field_dirty(field) and field == "repeat":
                values["repeat"], values["repeat_after_completion"] = value  # type: ignore[misc]
            elif self.is_field_dirty(field):
                values[field] = value
        self.set_error("general", "" if ok else UNSAVED)
        return TaskChanges(**values) if ok else None  # type: ignore[arg-type]

    # Saving ----------------------------------------------------------------------------

    def save_field(self, field: str) -> bool:
        if field == "reminder":
            self.reminder_commit.emit()
            return not self.reminder_error.isVisibleTo(self)
        return self._save((field,))

    def save_all(self) -> bool:
        saved = self._save(FIELDS)
        return self.save_field("reminder") and saved

    def _save(self, fields: tuple[str, ...]) -> bool:
        if self._task is None:
            return True
        changes = self.changes(fields)
        if changes is None:
            return False
        if changes.as_dict():
            self.save_requested.emit(self._task.id, changes)
        if "due_date" in fields and self.words.due_typed():  # read: the date editor shows it now
            self._fill("due_date", self._task)
            due = changes.as_dict().get("due_date")
            if isinstance(due, datetime):
                self.no_due.setChecked(False)
                self.set_due(due)
        return True

    def put_back(self, typed: Typed) -> None:
        """Show input typed earlier for the shown task, with its sentences."""
        for name, value in typed.values.items():
            if name in WORDS:
                self.words.put_back(name, value)
            elif name == "title":
                self.title_edit.setText(str(value))
            elif name == "description":
                self.description_edit.setPlainText(str(value or ""))
            elif name == "due_date" and isinstance(value, str):
                self.words.due_words.setText(value)
            elif name == "due_date":
                self.no_due.setChecked(value is None)
                if isinstance(value, datetime):
                    self.set_due(value)
        for name in typed.stored:
            self._fill(name, self._task)
        for name, message in typed.errors.items():
            self.set_error(name, message)

    def show_title_attempt(self, text: str, message: str) -> None:
        self.title_edit.setText(text)
        self.set_error("title", message)
        self.focus_field("title")

    def set_error(self, field: str, message: str) -> None:
        label = self.general_error if field == "general" else self.errors[field]
        label.setText(message)
        label.setVisible(bool(message))

    def error(self, field: str) -> str:
        label = self.general_error if field == "general" else self.errors[field]
        return label.text() if label.isVisibleTo(self) else ""

    # Focus -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc from any field that does not use it itself: back to the list (which saves).
        if event.matches(QKeySequence.StandardKey.Cancel):
            self.leave_requested.emit()
            return
        super().keyPressEvent(event)

    def focus_field(self, field: str) -> None:
        if field == "due_date" and self.no_due.isChecked() and self._task is not None:
            self.no_due.setChecked(False)
            # Offered, not chosen: left untouched (Esc, Tab, a click elsewhere) it goes again.
            self._offered_due = True
        widget = self._groups[field][0]
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if widget is self.title_edit:
            self.title_edit.selectAll()

    def text_fields(self) -> tuple[QWidget, ...]:
        """The fields one types into, for the window's keys that must win over theirs."""
        words = self.words
        edits = (words.due_words, self.tags_edit, self.repeat_edit, self.reminder_edit)
        return (self.title_edit, self.description_edit, *edits)

    def contains_focus(self) -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and self._group_of(focus) is not None

    def _group_of(self, widget: QWidget | None) -> str | None:
        # Walks past window boundaries on purpose: the calendar popup is a window whose
        # parent is the date field, and moving into it must not count as leaving the field.
        while widget is not None:
            for field, members in self._groups.items():
                if widget in members:
                    return field
            widget = widget.parentWidget()
        return None

    def _focus_moved(self, old: QWidget | None, new: QWidget | None) -> None:
        left = self._group_of(old)
        if left is not None and left != self._group_of(new):
            if left == "due_date" and self._offered_due and self._task is not None:
                self._fill("due_date", self._task)
            self.save_field(left)

    def _due_touched(self, *_args: object) -> None:
        self._offered_due = False
