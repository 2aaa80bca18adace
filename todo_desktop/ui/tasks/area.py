"""The middle of the window: connection banner, quick-add and search fields, and the task table
(or, until there is a list, a quiet placeholder in its place; and over an empty list, what
to try: ``empty_state``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.core.values import SortKey
from todo_desktop.ui.chrome.banner import Banner
from todo_desktop.ui.chrome.placeholder import RETRY, ListPlaceholder
from todo_desktop.ui.chrome.theme import Space
from todo_desktop.ui.lists.navigator import ListNavigator
from todo_desktop.ui.lists.search import SEARCH_DEBOUNCE_MS, SearchField
from todo_desktop.ui.session import refusal_hint
from todo_desktop.ui.tasks.columns import COLUMN_BY_SORT, Column, local_time
from todo_desktop.ui.tasks.empty_state import EmptyState, ListShown
from todo_desktop.ui.tasks.entry_field import EntryField
from todo_desktop.ui.tasks.planner_view import dress_table
from todo_desktop.ui.tasks.screenful import ScreenfulWatch
from todo_desktop.ui.tasks.table_model import TaskTableModel
from todo_desktop.ui.tasks.title_delegate import TitleDelegate

ADD_HINT = "Add a task and press Enter  (Ctrl+N)"
# Orders that put the smallest value first; the others list the newest or most urgent first.
ASCENDING = {SortKey.DUE, SortKey.TITLE}


class TaskArea(QWidget):
    def __init__(
        self,
        model: TaskTableModel,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = SEARCH_DEBOUNCE_MS,
        rows_shown: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.banner = Banner(self)

        self.quick_add = EntryField(self)
        self.quick_add.setPlaceholderText(ADD_HINT)
        self.quick_add.setAccessibleName("New task title")
        self.quick_add.setClearButtonEnabled(True)
        # What the typing will set, in words: the highlight alone reaches no screen reader.
        self.understood = QLabel(self)
        self.understood.setAccessibleName("Quick add will set")
        self.understood.hide()
        self.quick_add.understood.connect(self._show_understood)
        self.search = SearchField(self, debounce_ms)
        self.search.moved.connect(self._move_in_results)

        self.table = QTableView(self)
        self.table.setAccessibleName("Tasks")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Enter and F2 edit the title through actions; a double click does too.
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as in any form
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.title_delegate = TitleDelegate(self.table)
        self.table.setItemDelegateForColumn(Column.TITLE, self.title_delegate)
        metrics = QFontMetrics(self.font())
        rows = self.table.verticalHeader()
        # Fixed height: measuring each row (ResizeToContents) took 15 s at 100k rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(metrics.height() + 10)
        rows.hide()
        columns = self.table.horizontalHeader()
        char = metrics.averageCharWidth()
        widths = {Column.DONE: 6, Column.PRIORITY: 10}
        for column, width in widths.items():
            columns.resizeSection(column, char * width)
        # Dates must fit whole even in bold (urgent rows), at any scale: measure one.
        bold = QFont(self.font())
        bold.setBold(True)
        date_width = (
            QFontMetrics(bold).horizontalAdvance(local_time(datetime(2026, 12, 31, 23, 59))) + char * 3
        )
        for column in (Column.DUE, Column.UPDATED, Column.CREATED):
            columns.resizeSection(column, date_width)
        self.sections = dress_table(self.table, model)  # section headers, no grid
        if rows_shown is not None:  # so that a list's first read fills the table
            ScreenfulWatch(self.table, rows_shown)
        columns.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        # Clicking a header asks SQL for that order; the view itself never sorts.
        columns.setSectionsClickable(True)
        columns.setSortIndicatorShown(True)
        self.empty = EmptyState(self.table)
        self._navigator: ListNavigator | None = None

        self.placeholder = ListPlaceholder(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.table)

        fields = QHBoxLayout()
        fields.setSpacing(Space.SMALL)
        fields.addWidget(self.quick_add, 3)
        fields.addWidget(self.search, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(Space.SMALL)
        layout.addWidget(self.banner)
        layout.addLayout(fields)
        layout.addWidget(self.understood)
        layout.addWidget(self.stack, 1)

    def show_sort(self, key: SortKey) -> None:
        column = COLUMN_BY_SORT.get(key)
        header = self.table.horizontalHeader()
        if column is None:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # no column shows this order
            return
        order = Qt.SortOrder.AscendingOrder if key in ASCENDING else Qt.SortOrder.DescendingOrder
        header.setSortIndicator(column, order)

    def set_editable(self, refusal: str | None) -> None:
        """What was typed stays in the field; the hint says why it cannot be added now."""
        self.quick_add.setEnabled(refusal is None)
        self.quick_add.setPlaceholderText(refusal_hint(refusal or "", ADD_HINT))

    def show_busy(self, text: str) -> None:
        """The placeholder in place of the list, with one line of what is happening."""
        self.stack.setCurrentWidget(self.placeholder)
        self.placeholder.show_busy(text)

    def show_error(self, message: str, action: str = RETRY) -> None:
        self.stack.setCurrentWidget(self.placeholder)
        self.placeholder.show_error(message, action)  # its button takes the focus: shown first

    def showing_list(self) -> bool:
        return self.stack.currentWidget() is self.table

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.table)

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_quick_add(self) -> None:
        self.quick_add.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.quick_add.selectAll()

    def follow(self, navigator: ListNavigator) -> None:
        """Search and sort as the navigator says; the fields hand it what is typed."""
        self.quick_add.escaped.connect(self.focus_table)
        self.search.escaped.connect(self.focus_table)
        self.search.search_changed.connect(navigator.set_text)
        self.table.horizontalHeader().sectionClicked.connect(navigator.header_clicked)
        navigator.find_requested.connect(self.focus_search)
        navigator.scope_shown.connect(self.search.set_everywhere)
        navigator.searched.connect(self.title_delegate.mark)
        navigator.sort_shown.connect(self.show_sort)
        # Each new query (list, tag, search, order) is a load: the empty sentence waits for it.
        self._navigator = navigator
        navigator.query_changed.connect(self._expect_rows)
        navigator.search_refused.connect(self._expect_rows)
        self._expect_rows()  # the window's first load needs no signal

    def clear_search(self) -> None:
        """Empty the search field, and search for nothing at once (no pause for more typing)."""
        self.search.clear()
        self.search.send_now()

    def focus_search(self) -> None:
        if self.search.hasFocus():
            return  # switching the scope while typing: the next key goes on, it erases nothing
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @property
    def rows_due(self) -> bool:
        """A new list (or search) was asked for and its rows have not arrived."""
        return self.empty.waiting

    def enter_in_list(self) -> None:
        """Do what Enter does in the list: its action, so a list that cannot be edited now
        refuses it the same way."""
        enter = QKeySequence(Qt.Key.Key_Return)
        for action in self.table.actions():
            if enter in action.shortcuts():
                action.trigger()
                return

    def _move_in_results(self, event: QKeyEvent) -> None:
        # Straight to the view, past the shortcuts: it moves and selects as its own keys do.
        moved = QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers())
        QApplication.sendEvent(self.table, moved)

    def _expect_rows(self, _query: object = None) -> None:
        if self._navigator is not None:
            self.empty.expect(_shown_by(self._navigator))

    def _show_understood(self, text: str) -> None:
        self.understood.setText(text)
        self.understood.setVisible(bool(text))


def _shown_by(navigator: ListNavigator) -> ListShown:
    everywhere = navigator.everywhere and bool(navigator.text)
    return ListShown(navigator.current, navigator.tag, navigator.text, everywhere, navigator.refused)
