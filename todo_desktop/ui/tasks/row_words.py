"""A row in words, for its tooltip and for screen readers: what colour, weight, chips and
marks say to the eye; and the font that says some of it to the eye."""

from __future__ import annotations

import functools

from PySide6.QtGui import QBrush, QColor, QFont, QPalette

from todo_desktop.core.values import Priority, Task
from todo_desktop.ui.chrome.theme import danger_color, is_dark
from todo_desktop.ui.tags.names import repeat_sentence
from todo_desktop.ui.tasks.columns import Column, priority_words
from todo_desktop.ui.tasks.due_text import DueText

_DUE, _PRIORITY = int(Column.DUE), int(Column.PRIORITY)


# Orange that keeps 4.5:1 against the rows of a light and of a dark scheme.
HIGH_ON_LIGHT = "#b45309"
HIGH_ON_DARK = "#fbbf24"


def marker_brushes(palette: QPalette) -> dict[Priority, QBrush]:
    """The priority marker's colours on ``palette``; the marker's shape says the same."""
    return {
        Priority.URGENT: QBrush(danger_color(palette)),
        Priority.HIGH: QBrush(QColor(HIGH_ON_DARK if is_dark(palette) else HIGH_ON_LIGHT)),
        Priority.MEDIUM: QBrush(palette.color(QPalette.ColorRole.Text)),
        Priority.LOW: QBrush(palette.color(QPalette.ColorRole.PlaceholderText)),
    }


@functools.lru_cache(maxsize=8)
def row_font(urgent: bool, completed: bool, saving: bool) -> QFont:
    # One font per look, made once: Qt asks for a row's font at every repaint.
    font = QFont()
    font.setBold(urgent)
    font.setStrikeOut(completed)
    font.setItalic(saving)
    return font


def spoken(task: Task, column: int, due_text: DueText) -> str | None:
    """What a screen reader says for a cell whose look is not its words."""
    if column == _PRIORITY:
        return priority_words(task.priority)
    if column == _DUE and task.due_date is not None:
        return f"Due {due_text.full(task.due_date)}"
    return None


def describe(
    task: Task,
    column: int,
    due_text: DueText,
    *,
    overdue: bool,
    saving: bool,
    section: str | None,
    reminded: bool = False,
) -> str | None:
    notes = []
    if section is not None:
        notes.append(f"First in {section}")
    said = spoken(task, column, due_text)
    if said is not None:
        notes.append(said)
    if overdue:
        notes.append("Overdue")
    if task.priority is Priority.URGENT:
        notes.append("Urgent")
    if task.tags:
        notes.append("Tags " + ", ".join(f"#{name}" for name in task.tags))
    if task.repeat:
        notes.append(repeat_sentence(task.repeat, task.repeat_after_completion))
    if task.description:
        notes.append("Has notes")
    if reminded:
        notes.append("Has a reminder")
    if saving:
        notes.append("Saving…")
    return ", ".join(notes) or None
