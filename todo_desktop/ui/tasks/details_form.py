"""The details pane's two faces: the form of one task, and the quiet note shown until a task
is chosen (a disabled form there read "2000-01-01 00:00" and taught nothing).

Only building and laying out lives here; ``details_pane`` fills, reads and saves the fields.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.core.values import Priority
from todo_desktop.ui.chrome.theme import Space, TextStyle, pane_margins, quiet, set_text_style
from todo_desktop.ui.lists.search import KeyLineEdit
from todo_desktop.ui.tasks.details_fields import FIELDS, Reader, WordFields, error_label, with_error
from todo_desktop.ui.tasks.due_edit import DueEdit

NO_TASK = "No task selected"
REMINDER_HINT = "e.g. 10 min before, or fri 9am"
CHOOSE = "Select a task to see its details"
CHOOSE_HINT = "Ctrl+Enter opens the details of the selected task; Esc goes back to the list."


class DetailsForm(QWidget):
    """The fields of one task, each with its one-sentence error beneath it."""

    def __init__(self, parent: QWidget, read: Reader | None) -> None:
        super().__init__(parent)
        self.heading = QLabel(NO_TASK, self)
        self.heading.setAccessibleName("Details heading")
        self.heading.setWordWrap(True)
        set_text_style(self.heading, TextStyle.SUBTITLE)
        self.title_edit = KeyLineEdit(self)
        self.title_edit.setAccessibleName("Title")
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setAccessibleName("Notes")
        self.description_edit.setTabChangesFocus(True)  # Tab moves on, as in every form
        self.priority_combo = QComboBox(self)
        # Named for what it sets: a screen reader says "Priority, High", not "High".
        self.priority_combo.setAccessibleName("Priority")
        for priority in Priority:
            self.priority_combo.addItem(priority.value.capitalize(), priority)
        self.no_due = QCheckBox("&No due date", self)
        self.no_due.setAccessibleName("No due date")
        self.due_edit = DueEdit(self)
        self.due_edit.setCalendarPopup(True)
        # Its lowest value reads as blank: the field shows nothing when there is no date to show.
        self.due_edit.setSpecialValueText(" ")
        self.words = WordFields(self, read)
        # Not a task column but a row of its own, stored apart (``details_reminder``).
        self.reminder_edit = KeyLineEdit(self)
        self.reminder_edit.setAccessibleName("Reminder")
        self.reminder_edit.setPlaceholderText(REMINDER_HINT)
        self.reminder_error = error_label(self, "reminder")
        # When a reminder counted from the due date rings (``details_reminder``).
        self.reminder_rings = QLabel(self)
        self.reminder_rings.setAccessibleName("When the reminder rings")
        set_text_style(self.reminder_rings, TextStyle.CAPTION)
        quiet(self.reminder_rings)
        self.reminder_rings.hide()
        self.errors = {field: error_label(self, field) for field in FIELDS}
        self.general_error = error_label(self, "general")

        due_row = QHBoxLayout()
        due_row.setSpacing(Space.SMALL)
        due_row.addWidget(self.due_edit, 1)
        due_row.addWidget(self.no_due)
        due_column = QVBoxLayout()
        due_column.setSpacing(Space.TIGHT)
        due_column.addLayout(due_row)
        due_column.addWidget(self.words.due_words)
        reminder_column = QVBoxLayout()
        reminder_column.setSpacing(Space.TIGHT)
        reminder_column.addWidget(self.reminder_edit)
        reminder_column.addWidget(self.reminder_rings)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(Space.SMALL)
        form.setVerticalSpacing(Space.SMALL)
        rows: tuple[tuple[str, QWidget, QWidget | QVBoxLayout, str], ...] = (
            ("&Title", self.title_edit, self.title_edit, "title"),
            ("N&otes", self.description_edit, self.description_edit, "description"),
            ("&Priority", self.priority_combo, self.priority_combo, "priority"),
            ("D&ue", self.due_edit, due_column, "due_date"),
            ("T&ags", self.words.tags_edit, self.words.tags_edit, "tags"),
            ("&Repeat", self.words.repeat_edit, self.words.repeat_edit, "repeat"),
            ("Re&mind", self.reminder_edit, reminder_column, "reminder"),
        )
        self._form = form
        for text, control, field, name in rows:
            # The label's buddy is the control itself, not the row around it: its Alt key
            # then reaches the control, and on Linux a screen reader names a combo box by
            # this relation (its own name there is the value it holds).
            label = QLabel(text, self)
            label.setBuddy(control)
            error = self.reminder_error if name == "reminder" else self.errors[name]
            form.addRow(label, with_error(self, field, error))
        # Shown once something stores what is typed there (``details_reminder``).
        self._reminder_row = form.rowCount() - 1  # the last row
        form.setRowVisible(self._reminder_row, False)
        # Tab goes as the eye reads, top to bottom and left to right; made in another order
        # (the words fields together), the date's words came after Repeat.
        words = self.words
        order: tuple[QWidget, ...] = (self.title_edit, self.description_edit, self.priority_combo)
        order += (self.due_edit, self.no_due, words.due_words, words.tags_edit, words.repeat_edit)
        order += (self.reminder_edit,)
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(Space.SMALL)
        layout.addWidget(self.heading)
        layout.addLayout(form, 1)
        layout.addWidget(self.general_error)

    def offer_reminder(self) -> None:
        self._form.setRowVisible(self._reminder_row, True)


class DetailsPlaceholder(QWidget):
    """What the pane says while no task is chosen: how to choose one, and nothing to press."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.label = QLabel(CHOOSE, self)
        self.label.setAccessibleName("No task selected")
        self.hint = QLabel(CHOOSE_HINT, self)
        self.hint.setAccessibleName("How to open the details")
        for label, style in ((self.label, TextStyle.BODY), (self.hint, TextStyle.CAPTION)):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            set_text_style(label, style)
            quiet(label)
        layout = QVBoxLayout(self)
        pane_margins(layout)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.hint)
        layout.addStretch(2)

    @property
    def text(self) -> str:
        return f"{self.label.text()} {self.hint.text()}"
