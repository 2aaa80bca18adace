"""The main window: quick-add field, task table, menus and status bar.

It appears at once; the workspace (database, account) is opened on a worker thread and
the list area says so until it is ready.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from todo_desktop import APP_NAME
from todo_desktop.services import Workspace, WorkspaceOpener
from todo_desktop.ui.placeholder import ListPlaceholder
from todo_desktop.ui.task_columns import Column
from todo_desktop.ui.task_list import TaskListController
from todo_desktop.ui.workers import Workers

OPEN_VIEW = "workspace"
STARTING = "Starting database…"
LOADING = "Loading tasks…"
QUIT_WAIT_MS = 15_000
CLOCK_TICK_MS = 60_000
MESSAGE_MS = 8_000


class MainWindow(QMainWindow):
    def __init__(
        self,
        opener: WorkspaceOpener,
        workers: Workers | None = None,
        *,
        quit_wait_ms: int = QUIT_WAIT_MS,
    ) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(900, 600)
        self._opener = opener
        self.workers = workers if workers is not None else Workers(self)
        self._quit_wait_ms = quit_wait_ms
        self._leave_anyway = False
        self._opening = False
        self.workspace: Workspace | None = None
        self.tasks = TaskListController(self.workers, parent=self)
        self.model = self.tasks.model

        self._build_list_area()
        self._build_status_bar()
        self._build_actions()

        self.tasks.message.connect(self.show_message)
        self.tasks.loaded.connect(self._list_loaded)
        self.tasks.load_failed.connect(self._list_failed)
        self.tasks.add_failed.connect(self._give_back_text)
        self.workers.latency_measured.connect(self._show_latency)
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(self.model.refresh_clock)
        self._clock.start()

    # Building --------------------------------------------------------------------------

    def _build_list_area(self) -> None:
        self.quick_add = QLineEdit(self)
        self.quick_add.setPlaceholderText("Add a task and press Enter  (Ctrl+N)")
        self.quick_add.setAccessibleName("New task title")
        self.quick_add.setClearButtonEnabled(True)
        self.quick_add.returnPressed.connect(self._add_typed)

        self.table = QTableView(self)
        self.table.setAccessibleName("Tasks")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as in any form
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        rows = self.table.verticalHeader()
        # Fixed height: measuring each row (ResizeToContents) took 15 s at 100k rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        rows.hide()
        columns = self.table.horizontalHeader()
        char = self.fontMetrics().averageCharWidth()
        widths = {Column.DONE: 6, Column.PRIORITY: 10, Column.DUE: 18, Column.UPDATED: 18}
        for column, width in widths.items():
            columns.resizeSection(column, char * width)
        columns.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)

        self.placeholder = ListPlaceholder(self)
        self.placeholder.retry_requested.connect(self.refresh)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.table)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.quick_add)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.warning_label = QLabel(self)
        self.warning_label.setAccessibleName("Warning")
        self.warning_label.setStyleSheet("color: #d9363e; font-weight: bold")
        self.warning_label.hide()
        self.where_label = QLabel(self)
        self.where_label.setAccessibleName("Database location")
        self.account_label = QLabel(self)
        self.account_label.setAccessibleName("Signed in as")
        self.latency_label = QLabel(self)
        self.latency_label.setAccessibleName("Last operation time")
        for label in (self.warning_label, self.where_label, self.account_label, self.latency_label):
            bar.addPermanentWidget(label)

    def _action(self, text: str, shortcut: QKeySequence | str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        self.new_action = self._action("&New Task", "Ctrl+N", self.focus_quick_add)
        self.toggle_action = self._action("Toggle &Done", "Space", self.toggle_selected)
        self.delete_action = self._action("&Delete", QKeySequence(Qt.Key.Key_Delete), self.delete_selected)
        self.refresh_action = self._action("&Reload", "F5", self.refresh)
        # Space and Delete mean something else while typing, so they act only in the table.
        for action in (self.toggle_action, self.delete_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.quit_action)
        task_menu = menus.addMenu("&Task")
        for action in (self.new_action, self.toggle_action, self.delete_action):
            task_menu.addAction(action)
        view_menu = menus.addMenu("&View")
        view_menu.addAction(self.refresh_action)

    # Opening ---------------------------------------------------------------------------

    def open_workspace(self) -> None:
        """Open the database on a worker thread; the window stays usable meanwhile."""
        if self._opening or self.workspace is not None:
            return
        self._opening = True
        self.placeholder.show_busy(STARTING)
        self.stack.setCurrentWidget(self.placeholder)
        self.workers.read(OPEN_VIEW, self._opener, self._opened, self._open_failed, label="open workspace")

    def _opened(self, workspace: Workspace) -> None:
        self._opening = False
        self.workspace = workspace
        self.where_label.setText(workspace.where)
        self.account_label.setText(workspace.account.display_name)
        self.warning_label.setText(workspace.warning or "")
        self.warning_label.setVisible(bool(workspace.warning))
        self.placeholder.show_busy(LOADING)
        self.tasks.bind(workspace.tasks)

    def _open_failed(self, message: str) -> None:
        self._opening = False
        self._list_failed(message)

    def _list_loaded(self) -> None:
        self.stack.setCurrentWidget(self.table)
        if not self.quick_add.hasFocus():  # never pull focus away from someone typing
            self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, Column.TITLE))

    def _list_failed(self, message: str) -> None:
        if self.stack.currentWidget() is self.placeholder:
            self.placeholder.show_error(message)

    def refresh(self) -> None:
        if self.workspace is None:
            self.open_workspace()
        else:
            if self.stack.currentWidget() is self.placeholder:
                self.placeholder.show_busy(LOADING)
            self.tasks.reload()

    # Commands --------------------------------------------------------------------------

    def focus_quick_add(self) -> None:
        self.quick_add.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.quick_add.selectAll()

    def _add_typed(self) -> None:
        # The text stays in the field unless the task was handed to the database.
        if self.tasks.add(self.quick_add.text()):
            self.quick_add.clear()
            self.table.scrollToTop()

    def _give_back_text(self, title: str) -> None:
        if not self.quick_add.text():
            self.quick_add.setText(title)

    def selected_rows(self) -> list[int]:
        selection = self.table.selectionModel()
        rows = sorted({index.row() for index in selection.selectedRows()})
        current = self.table.currentIndex()
        return rows or ([current.row()] if current.isValid() else [])

    def toggle_selected(self) -> None:
        self.tasks.toggle_rows(self.selected_rows())

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        self.tasks.delete_rows(rows)
        # Keep the keyboard flow: the row that moved into the gap becomes current.
        if self.model.rowCount():
            next_row = min(rows[0], self.model.rowCount() - 1)
            self.table.setCurrentIndex(self.model.index(next_row, Column.TITLE))
        else:
            self.table.setCurrentIndex(QModelIndex())

    # Status ----------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def _show_latency(self, ms: float) -> None:
        self.latency_label.setText(f"{ms:.0f} ms")

    # Quitting --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._leave_anyway or self._wait_for_writes():
            event.accept()
            return
        # Still saving after a long wait: say so instead of dropping edits without a word.
        self._leave_anyway = True
        self.show_message("Still saving your changes; press Ctrl+Q again to quit anyway.")
        event.ignore()

    def _wait_for_writes(self) -> bool:
        if not self.workers.pending_writes:
            return self.workers.wait_for_writes(0)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self.workers.wait_for_writes(self._quit_wait_ms)
        finally:
            QGuiApplication.restoreOverrideCursor()
