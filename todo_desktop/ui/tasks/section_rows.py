"""Section headers ("Overdue", "Today", "Tomorrow"…) in a date-ordered list, without rows of
their own.

A header is not a row: it is painted in a strip above the first task of its section, whose
row is made that much taller. So nothing can select, complete, delete or edit a header, the
keys move from task to task as ever, and every row number still means a task (selection,
undo, the details pane and paging need no translation). Only the few header rows get a
height of their own; the rest keep the view's fixed one.
"""

from __future__ import annotations

import itertools
import uuid

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.table_model import SECTION_ROLE, TaskTableModel

STRIP_PAD = 10  # the strip's height beyond its text: room above, a little below
TEXT_INDENT = 6
TITLE_COLUMN = int(Column.TITLE)
_STRIP_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)

Index = QModelIndex | QPersistentModelIndex


def strip_height(font: QFont) -> int:
    return QFontMetrics(_strip_font(font)).height() + STRIP_PAD


def _strip_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    bold.setItalic(False)
    bold.setStrikeOut(False)
    return bold


class SectionRows(QObject):
    """Keeps the header rows of ``view`` as tall as a row and a strip, painted by a delegate
    of their own. Only those few rows get it: a delegate written in Python for every cell
    made each repaint of the list two thirds slower."""

    def __init__(self, view: QTableView, model: TaskTableModel, title: RowDelegate | None = None) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._tall: list[QPersistentModelIndex] = []
        # A reset ends the persistent indexes, but the header keeps each row's height (Qt's
        # QHeaderView::reset keeps its sections): the rows tall before it, by number.
        self._tall_at_reset: set[int] = set()
        # Row delegates stay at their row numbers when rows come and go, unlike the heights.
        self._delegated: set[int] = set()
        self._delegate = HeaderRowDelegate(view, title)
        self._follow: uuid.UUID | None = None
        model.sections_changed.connect(self.refresh)
        model.modelAboutToBeReset.connect(self._resetting)
        model.moving.connect(self._moving)
        model.moved.connect(self._moved)

    def _moving(self, ids: list[uuid.UUID]) -> None:
        """The current task is moving away (completed): the keys go on from the task that
        takes its place, as after a delete, not from the one above."""
        current = self._view.currentIndex()
        model, leaving = self._model, set(ids)
        if not current.isValid() or model.task_at(current.row()).id not in leaving:
            self._follow = None
            return
        rows = itertools.chain(range(current.row() + 1, model.rowCount()), range(current.row() - 1, -1, -1))
        staying = (model.task_at(r).id for r in rows if model.task_at(r).id not in leaving)
        self._follow = next((i for i in staying if not model.is_sunk(i)), None)

    def _moved(self) -> None:
        row = self._model.row_of(self._follow) if self._follow is not None else None
        self._follow = None
        if row is not None:
            flags = QItemSelectionModel.SelectionFlag
            column = max(self._view.currentIndex().column(), 0)
            self._view.selectionModel().setCurrentIndex(
                self._model.index(row, column), flags.ClearAndSelect | flags.Rows
            )

    def _resetting(self) -> None:
        self._tall_at_reset = {index.row() for index in self._tall if index.isValid()}

    def refresh(self) -> None:
        rows = self._view.verticalHeader()
        # Persistent indexes followed their rows through inserts and removals; only the rows
        # that begin or end a section now are resized.
        before = {index.row() for index in self._tall if index.isValid()} | self._tall_at_reset
        self._tall_at_reset = set()
        after = {row for row in self._model.sections.starts if row < self._model.rowCount()}
        normal = rows.defaultSectionSize()
        for row in before - after:
            if row < self._model.rowCount():
                rows.resizeSection(row, normal)
        tall = normal + strip_height(self._view.font())
        for row in after - before:
            rows.resizeSection(row, tall)
        self._tall = [QPersistentModelIndex(self._model.index(row, 0)) for row in sorted(after)]
        for row in self._delegated - after:
            self._view.setItemDelegateForRow(row, None)  # type: ignore[arg-type]  # None resets it
        for row in after - self._delegated:
            self._view.setItemDelegateForRow(row, self._delegate)
        self._delegated = after


class RowDelegate(QStyledItemDelegate):
    """Paints a cell below its section's strip, when its row begins a section."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Held, not looked up: every cell of every repaint asks whether its row is tall.
        self._rows = parent.verticalHeader() if isinstance(parent, QTableView) else None
        self._strip_key = ""
        self._bold = QFont()
        self._strip_widths: dict[str, int] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rows = self._rows  # inline, not _strip(): this runs for every title cell of every repaint
        if rows is None or option.rect.height() <= rows.defaultSectionSize():
            self.paint_cell(painter, option, index)
            return
        strip = self._strip(option)
        title = index.data(SECTION_ROLE)
        cell = QStyleOptionViewItem(option)
        cell.rect = option.rect.adjusted(0, strip, 0, 0)
        if isinstance(title, str):
            self._paint_strip(painter, option, QRect(option.rect.topLeft(), cell.rect.topRight()), title)
        self.paint_cell(painter, cell, index)

    def paint_cell(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem, index: Index) -> bool:
        # A click on a checkbox is measured in the cell below the strip, where it is drawn.
        strip = self._strip(option)
        if strip:
            option = QStyleOptionViewItem(option)
            option.rect = option.rect.adjusted(0, strip, 0, 0)
        return super().editorEvent(event, model, option, index)  # type: ignore[arg-type]

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        strip = self._strip(option)
        if strip:
            option = QStyleOptionViewItem(option)
            option.rect = option.rect.adjusted(0, strip, 0, 0)
        super().updateEditorGeometry(editor, option, index)

    def _strip_font(self, font: QFont) -> QFont:
        """The strip's bold font, made once per row font (each header row asks per cell)."""
        key = font.key()
        if key != self._strip_key:
            self._strip_key, self._bold = key, _strip_font(font)
            self._strip_widths.clear()
        return self._bold

    def _strip_width(self, title: str) -> int:
        """How far a strip's title reaches, measured once per title in the strip's font."""
        width = self._strip_widths.get(title)
        if width is None:
            metrics = QFontMetrics(self._bold)
            width = self._strip_widths[title] = metrics.horizontalAdvance(title) + metrics.height()
        return width

    def _strip(self, option: QStyleOptionViewItem) -> int:
        """The strip's height in this cell: 0 unless its row is taller than the rest."""
        rows = self._rows
        extra = 0 if rows is None else option.rect.height() - rows.defaultSectionSize()
        return extra if extra > 0 else 0

    def _paint_strip(self, painter: QPainter, option: QStyleOptionViewItem, strip: QRect, title: str) -> None:
        view = self.parent()
        assert isinstance(view, QAbstractItemView)
        palette = option.palette
        painter.save()
        painter.setClipRect(strip)
        painter.fillRect(strip, palette.color(QPalette.ColorRole.Base))
        bold = self._strip_font(option.font)
        # One text across the whole row: each cell draws it from the row's left edge and
        # shows its own slice, so no widget spans the columns. Cells right of its end (with
        # room for any glyph that overhangs) leave it out: most of a row's cells.
        left = TEXT_INDENT - (view.horizontalHeader().offset() if isinstance(view, QTableView) else 0)
        if strip.left() <= left + self._strip_width(title):
            painter.setFont(bold)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            right = max(strip.right(), view.viewport().width())
            text_rect = QRect(left, strip.top(), right - left, strip.height() - 3)
            painter.drawText(text_rect, _STRIP_FLAGS, title)
        line = palette.color(QPalette.ColorRole.Mid)
        painter.fillRect(QRect(strip.left(), strip.bottom(), strip.width(), 1), line)
        painter.restore()


class HeaderRowDelegate(RowDelegate):
    """The delegate of a row that begins a section: the strip, then each cell below it as its
    column's own delegate would paint it (the title's chips and marks included)."""

    def __init__(self, view: QTableView, title: RowDelegate | None) -> None:
        super().__init__(view)
        self._title = title

    def paint_cell(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if self._title is not None and index.column() == TITLE_COLUMN:
            self._title.paint_cell(painter, option, index)
        else:
            super().paint_cell(painter, option, index)
