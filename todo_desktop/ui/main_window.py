"""The main window: smart lists, the task list with its fields, and the details pane.

It appears at once; the workspace (database, account) is opened on a worker thread and
the list area says so until it is ready. Which workspace, and signing in and out of shared
ones, is ``WorkspaceSwitch``'s part. Everything that touches the database runs in the
worker helper; this class only wires widgets, commands and replies together.
"""

from __future__ import annotations

import logging
import types
import uuid
from datetime import tzinfo

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter

from todo_desktop import APP_NAME
from todo_desktop.core.clock import LocalZone
from todo_desktop.core.failures import UNEXPECTED
from todo_desktop.core.ports import ProfileGateway, Workspace, WorkspaceOpener
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SmartList, SortKey, TaskDraft
from todo_desktop.ui.accounts.workspace_switch import LOADING, STARTING, WorkspaceSwitch, kept_at_quit
from todo_desktop.ui.actions import Actions, build_actions
from todo_desktop.ui.chrome.banner import RETRY_FIRST_MS, RetryTimer
from todo_desktop.ui.chrome.command_palette import CommandPalette
from todo_desktop.ui.chrome.settings import WindowSettings
from todo_desktop.ui.chrome.shortcuts_dialog import ShortcutsDialog
from todo_desktop.ui.chrome.waking import WakingNotice
from todo_desktop.ui.chrome.window_status import OutboxWatch, WindowStatus
from todo_desktop.ui.lists.navigator import REFRESH_MS, ListNavigator
from todo_desktop.ui.lists.search import SEARCH_DEBOUNCE_MS, AppKeysFirst
from todo_desktop.ui.lists.sidebar import Sidebar
from todo_desktop.ui.tasks.area import TaskArea
from todo_desktop.ui.tasks.commands import TaskCommands
from todo_desktop.ui.tasks.conflict_dialog import ConflictResolver
from todo_desktop.ui.tasks.details_link import DetailsLink
from todo_desktop.ui.tasks.details_pane import DetailsPane
from todo_desktop.ui.tasks.task_list import TaskListController
from todo_desktop.ui.workers import Workers

_log = logging.getLogger(__name__)

__all__ = ["QUIT_WAIT_MS", "STARTING", "MainWindow"]

QUIT_WAIT_MS = 15_000
CLOCK_TICK_MS = 60_000
MESSAGE_MS = 8_000
EARLY_ADD = "The database is still starting; {count} new task(s) will be added as soon as it is ready."
STILL_SAVING = "Still saving your changes; press Ctrl+Q again to quit anyway."
NOT_SAVED = (
    "{count} new task(s) could not be saved yet: the database did not start. Ctrl+Q again quits anyway."
)


class MainWindow(QMainWindow):
    quit_action: QAction

    def __init__(
        self,
        opener: WorkspaceOpener,
        profiles: ProfileGateway | None = None,
        workers: Workers | None = None,
        *,
        quit_wait_ms: int = QUIT_WAIT_MS,
        settings: QSettings | None = None,
        zone: tzinfo | None = None,
        retry_first_ms: int = RETRY_FIRST_MS,
        search_debounce_ms: int = SEARCH_DEBOUNCE_MS,
        refresh_ms: int = REFRESH_MS,
        reachability: Reachability | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 650)
        self.profiles = profiles
        self.workers = workers if workers is not None else Workers(self)
        self._quit_wait_ms = quit_wait_ms
        self._leave_anyway = False
        self._closing = False
        self.leaving_offline = False  # quitting without waiting for writes: edits are in the outbox
        self.workspace: Workspace | None = None
        self.tasks = TaskListController(self.workers, parent=self)
        self.model = self.tasks.model
        self.undo_stack = QUndoStack(self)
        self._given_back: list[str] = []  # refused titles waiting for the quick-add field
        self._kept_id: uuid.UUID | None = None  # the current task across a reload

        self.sidebar = Sidebar(self)
        self.area = TaskArea(self.model, self, debounce_ms=search_debounce_ms)
        self.table, self.quick_add, self.search = self.area.table, self.area.quick_add, self.area.search
        self.placeholder, self.stack, self.banner = self.area.placeholder, self.area.stack, self.area.banner
        self.details = DetailsPane(lambda: self.navigator.end_of_day(0), self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for pane, stretch in ((self.sidebar, 0), (self.area, 1), (self.details, 0)):
            self.splitter.addWidget(pane)
            self.splitter.setStretchFactor(self.splitter.indexOf(pane), stretch)
        self.splitter.setSizes([180, 620, 300])
        self.setCentralWidget(self.splitter)

        self.status = WindowStatus(self.statusBar(), self)
        self.where_label, self.account_label = self.status.where_label, self.status.account_label
        self.latency_label, self.warning_label = self.status.latency_label, self.status.warning_label
        self.commands = TaskCommands(self.table, self.tasks, self.undo_stack, parent=self)
        self.details_link = DetailsLink(
            self.details, self.commands, self.splitter, say=self.show_message, leave=self.focus_table
        )
        self.navigator = ListNavigator(self, zone or LocalZone(), refresh_ms=refresh_ms)
        self.conflicts = ConflictResolver(self.tasks.editor, self, self.show_message)
        self.action_set: Actions = build_actions(self)
        self.command_palette = CommandPalette(lambda: self.action_set.commands, self)
        self.shortcuts = ShortcutsDialog(lambda: self.action_set.commands, self)
        self.retry = RetryTimer(retry_first_ms, parent=self)
        # Edits kept while the database was away: counted in the status bar, sent in order.
        self.outbox_watch = OutboxWatch(
            self.status, self.workers, lambda: self.workspace, self.show_message, self.refresh, parent=self
        )
        reach = reachability or Reachability()
        # The outage line stays up while the data layer has given up, not only while our timer waits.
        self.waking = WakingNotice(
            reach, self.banner, lambda: self.retry.waiting or reach.unreachable, parent=self
        )
        self.waking.noted.connect(self._starting_note)
        self.switch = WorkspaceSwitch(self, opener, profiles)
        self.early_adds: list[TaskDraft] = []
        self.sign_in = self.switch.sign_in
        self.switch.update_actions()
        app_keys = AppKeysFirst([self.action_set["Command Palette"].shortcut()], self)
        app_keys.watch(self.quick_add, self.search, self.details.title_edit, self.details.description_edit)
        self._connect()
        self.navigator.show_list(SmartList.INBOX, load=False)
        self._settings = WindowSettings(settings) if settings is not None else None
        if self._settings is not None:
            self._settings.restore(self, self.splitter, self.table.horizontalHeader())

    def _connect(self) -> None:
        self.quick_add.returnPressed.connect(self._add_typed)
        self.quick_add.escaped.connect(self.focus_table)
        self.search.escaped.connect(self.focus_table)
        self.placeholder.retry_requested.connect(self.refresh)
        self.banner.retry_now.connect(self._probe)
        self.tasks.message.connect(self.show_message)
        self.commands.message.connect(self.show_message)
        self.tasks.loaded.connect(self._list_loaded)
        self.tasks.load_failed.connect(self._list_failed)
        self.tasks.add_failed.connect(self._give_back_text)
        self.table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self.details_link.follow_current()
        )
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.workers.latency_measured.connect(self.status.show_latency)
        self.workers.unavailable.connect(self._unavailable)
        self.workers.reachable.connect(self._reachable)
        self.retry.attempt.connect(self._probe)
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(self.model.refresh_clock)
        self._clock.timeout.connect(self.navigator.refresh_counts)
        self._clock.start()

    # Opening ---------------------------------------------------------------------------

    def open_workspace(self) -> None:
        """Open the active profile on a worker thread (signing in to a shared one first);
        the window stays usable meanwhile."""
        self.switch.open()

    def close_workspace(self) -> None:
        """Show no workspace; writes already queued still finish on the one closed."""
        self.switch.close()

    def open_connections(self) -> None:
        self.switch.open_connections()

    def switch_profile(self, profile_id: str) -> None:
        self.switch.switch_profile(profile_id)

    def ask_sign_in(self) -> None:
        self.switch.ask_sign_in()

    def sign_out(self) -> None:
        self.switch.sign_out()

    def sign_out_everywhere(self) -> None:
        self.switch.sign_out_everywhere()

    def _list_loaded(self) -> None:
        self.stack.setCurrentWidget(self.table)
        focus = QApplication.focusWidget()
        # Never pull focus away from someone typing or choosing a list.
        if focus is None or focus is self.placeholder or self.placeholder.isAncestorOf(focus):
            self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            # A reload keeps the person's place when their task is still in the list.
            row = self.model.row_of(self._kept_id) if self._kept_id is not None else None
            self.table.setCurrentIndex(self.model.index(row or 0, 1))
            if row:
                self.table.scrollTo(self.model.index(row, 1))

    def _list_failed(self, message: str) -> None:
        if self.stack.currentWidget() is self.placeholder:
            self.placeholder.show_error(message)

    def refresh(self) -> None:
        if self.workspace is None:
            self.open_workspace()
            return
        if self.stack.currentWidget() is self.placeholder:
            self.placeholder.show_busy(LOADING)
        self.tasks.reload()
        self.navigator.refresh_counts()

    # Trouble ---------------------------------------------------------------------------

    def _unavailable(self, _message: str) -> None:
        if not self.waking.reachability.waking:  # another operation is still trying
            self.banner.show_unreachable()
        self.retry.schedule()

    def _reachable(self) -> None:
        if self.outbox_watch.offline():
            return  # only an edit kept in the outbox "succeeded"; the database is still away
        self.outbox_watch.tick()
        if self.retry.waiting or (self.banner.isVisible() and not self.banner.waking):
            if not self.banner.waking:  # another operation may still be waiting
                self.banner.hide()
            self.retry.reset()
            self.show_message("Connected again.")
            self.refresh()

    def _probe(self) -> None:
        """One cheap read: its success (``reachable``) ends the outage, its failure waits longer."""
        if self.workspace is None:
            self.open_workspace()
        else:
            self.navigator.refresh_counts()

    def report_unexpected(
        self, kind: type[BaseException], error: BaseException, trace: types.TracebackType | None
    ) -> None:
        """For sys.excepthook: log the details, tell the person one friendly line."""
        _log.error("Unexpected error in the window", exc_info=(kind, error, trace))
        self.show_message(UNEXPECTED)

    # Commands used by the actions -----------------------------------------------------

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_quick_add(self) -> None:
        self.quick_add.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.quick_add.selectAll()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_palette(self) -> None:
        self.command_palette.open_palette()

    def show_shortcuts(self) -> None:
        self.shortcuts.open_dialog()

    def show_list(self, smart_list: SmartList) -> None:
        self.navigator.show_list(smart_list)

    def set_sort(self, key: SortKey) -> None:
        self.navigator.set_sort(key)

    def move_cursor(self, down: bool, extend: bool) -> None:
        self.commands.move_cursor(down, extend)

    def edit_title(self) -> None:
        self.commands.edit_current_title()

    def due_today(self) -> None:
        self.commands.set_due(self.navigator.end_of_day(0), "Due today for")

    def due_tomorrow(self) -> None:
        self.commands.set_due(self.navigator.end_of_day(1), "Due tomorrow for")

    def details_key(self) -> None:
        self.details_link.details_key()

    def edit_due(self) -> None:
        self.details_link.open_details("due_date")

    # Typing ----------------------------------------------------------------------------

    def _add_typed(self) -> None:
        # The text stays in the field unless the task was handed to the database.
        draft = self.navigator.draft(self.quick_add.text())
        if draft is not None and self.workspace is None and self.switch.pending is not None:
            # Typed while the database is still starting: keep it and add it on arrival.
            self.early_adds.append(draft)
            self.quick_add.clear()
            self.show_message(EARLY_ADD.format(count=len(self.early_adds)))
            return
        if draft is not None and self.commands.add(draft):
            self.quick_add.clear()
            if self._given_back:
                self.quick_add.setText(self._given_back.pop(0))
            self.table.scrollToTop()

    def _give_back_text(self, title: str) -> None:
        if not self.quick_add.text():
            self.quick_add.setText(title)
        else:  # the field holds newer typing: this one waits its turn, not lost
            self._given_back.append(title)

    def _starting_note(self, text: str) -> None:
        if self.stack.currentWidget() is self.placeholder:
            self.placeholder.show_busy(text)

    def _remember_current(self) -> None:
        current = self.commands.current_task()
        self._kept_id = current.id if current is not None else None

    # Status ----------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    # Quitting --------------------------------------------------------------------------

    def add_early(self) -> None:
        """The workspace is open: hand over what was typed while it was starting."""
        drafts, self.early_adds = self.early_adds, []
        for draft in drafts:
            self.commands.add(draft)

    def _wait_for_opening(self) -> bool:
        # Quitting right after typing on a cold start: the tasks exist only here, so wait
        # for the database (bounded) rather than lose them.
        deadline = QDeadlineTimer(self._quit_wait_ms)
        loop = QEventLoop(self)
        while self.early_adds and self.switch.pending is not None and not deadline.hasExpired():
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return not self.early_adds

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:  # a second Ctrl+Q while the first waits starts no second quit
            event.ignore()
            return
        # Focus-out saves of the details pane happen before the window goes away.
        if self.details.contains_focus():
            self.details.save_all()
        if self.early_adds and not self._leave_anyway and not self._wait_for_opening():
            self._leave_anyway = True
            self.show_message(NOT_SAVED.format(count=len(self.early_adds)))
            event.ignore()
            return
        count = self.switch.kept_offline()
        if count and not (self._leave_anyway or self.leaving_offline):
            # Edits wait in the outbox for a database that does not answer: safe in its file,
            # so waiting out connection retries would only hold the person up. Say what
            # becomes of them; choosing Quit closes again, without that wait.
            event.ignore()
            self.switch.confirm_quit(self, kept_at_quit(count), self._leave_offline)
            return
        if self._leave_anyway or self._wait_for_writes():
            if self._settings is not None:
                self._settings.save(self, self.splitter, self.table.horizontalHeader())
            self._stop_timers()
            event.accept()
            return
        # Still saving after a long wait: say so instead of dropping edits without a word.
        self._leave_anyway = True
        self.show_message(STILL_SAVING)
        event.ignore()

    def _leave_offline(self) -> None:
        self.leaving_offline = True
        self.close()

    def _stop_timers(self) -> None:
        # A closed window starts no more reads (counts, retries) that nobody would see.
        self._clock.stop()
        self.outbox_watch.stop()
        self.waking.stop()
        self.retry.reset()
        self.navigator.stop()

    def _wait_for_writes(self) -> bool:
        if self.leaving_offline:  # only edits on their way into the outbox file, not its retries
            self._closing = True
            try:
                return self.workers.wait_for_edits(self._quit_wait_ms)
            finally:
                self._closing = False
        if not self.workers.pending_writes:
            return self.workers.wait_for_writes(0)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self.workers.wait_for_writes(self._quit_wait_ms)
        finally:
            QGuiApplication.restoreOverrideCursor()
