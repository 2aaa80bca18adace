"""The main window: smart lists, the task list with its fields, and the details pane.

It appears at once; the workspace (database, account) is opened on a worker thread and
the list area says so until it is ready. Which workspace, and signing in and out of shared
ones, is ``WorkspaceSwitch``'s part. Everything that touches the database runs in the
worker helper; this class only wires widgets, commands and replies together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from todo_desktop import APP_NAME
from todo_desktop.core.app_services import AppServices
from todo_desktop.core.clock import LocalZone
from todo_desktop.core.ports import ProfileGateway, Workspace, WorkspaceOpener
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SmartList
from todo_desktop.ui.accounts import workspace_switch as switching
from todo_desktop.ui.accounts.workspace_switch import STARTING, WorkspaceSwitch
from todo_desktop.ui.chrome.banner import RETRY_FIRST_MS, RetryTimer
from todo_desktop.ui.chrome.command_palette import CommandPalette
from todo_desktop.ui.chrome.diagnostics import DiagnosticsDialog
from todo_desktop.ui.chrome.outage import OutageWatch
from todo_desktop.ui.chrome.settings import WindowSettings
from todo_desktop.ui.chrome.shortcuts_dialog import ShortcutsDialog
from todo_desktop.ui.chrome.waking import WakingNotice
from todo_desktop.ui.chrome.window_status import OutboxWatch, WindowStatus
from todo_desktop.ui.collector import CollectorPacing
from todo_desktop.ui.command_icons import dress_commands
from todo_desktop.ui.command_table import CommandId, CommandTable, build_commands
from todo_desktop.ui.features import window_features
from todo_desktop.ui.lists.navigator import REFRESH_MS, ListNavigator
from todo_desktop.ui.lists.search import SEARCH_DEBOUNCE_MS, AppKeysFirst
from todo_desktop.ui.lists.sidebar import Sidebar
from todo_desktop.ui.reminders.window_link import ReminderLink
from todo_desktop.ui.session import WorkspaceSession
from todo_desktop.ui.tags.feature import TagFeatures
from todo_desktop.ui.tasks.area import TaskArea
from todo_desktop.ui.tasks.column_choice import bind_view_menu
from todo_desktop.ui.tasks.commands import TaskCommands
from todo_desktop.ui.tasks.conflict_dialog import ConflictResolver
from todo_desktop.ui.tasks.details_link import DetailsLink
from todo_desktop.ui.tasks.details_pane import DetailsPane
from todo_desktop.ui.tasks.details_reminder import DetailsReminder
from todo_desktop.ui.tasks.list_focus import ListFocus
from todo_desktop.ui.tasks.quick_add import QuickAdd
from todo_desktop.ui.tasks.task_list import TaskListController
from todo_desktop.ui.window_parts import WindowParts
from todo_desktop.ui.workers import Workers

if TYPE_CHECKING:
    from todo_desktop.ui.chrome.instance_server import OutsideDesk

__all__ = ["QUIT_WAIT_MS", "STARTING", "MainWindow"]

QUIT_WAIT_MS = 15_000
CLOCK_TICK_MS = 60_000
MESSAGE_MS = 8_000
STILL_SAVING = "Still saving your changes; press Ctrl+Q again to quit anyway."
NOT_SAVED = (
    "{count} new task(s) could not be saved yet: the database did not start. Ctrl+Q again quits anyway."
)


class MainWindow(QMainWindow):
    """Layout and wiring. Each part gets what it needs (the session, the workers, a signal
    to follow, a callable to run) and none of them is handed the window."""

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
        services: AppServices | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 650)
        self.workers = workers if workers is not None else Workers(self)
        self._quit_wait_ms = quit_wait_ms
        self._leave_anyway = False
        self._closing = False
        self.leaving_offline = False  # quitting without waiting for writes: edits are in the outbox
        self.unattended = False  # closing for a session that ends: nobody is there to answer
        # Replaceable so tests (and other front ends) can answer without a box.
        self.confirm_quit: Callable[[QWidget, str, Callable[[], None]], None] = switching.ask_quit_offline
        self.session = WorkspaceSession(self)
        self.tasks = TaskListController(self.workers, parent=self)
        self.undo_stack = QUndoStack(self)
        self.collector = CollectorPacing(self.tasks.model, self)

        self.sidebar = Sidebar(self)
        self.area = TaskArea(
            self.tasks.model, self, debounce_ms=search_debounce_ms, rows_shown=self.tasks.fit_rows
        )
        zone = zone or LocalZone()
        self.navigator = ListNavigator(
            self.session,
            self.tasks,
            self.workers,
            zone,
            typing_in=lambda: self.details_link.typing_in(),
            in_details=lambda: self.details.task_id,
            refresh_ms=refresh_ms,
            parent=self,
        )
        self.details = DetailsPane(lambda: self.navigator.end_of_day(0), self, read=self.navigator.read_entry)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for pane, stretch in ((self.sidebar, 0), (self.area, 1), (self.details, 0)):
            self.splitter.addWidget(pane)
            self.splitter.setStretchFactor(self.splitter.indexOf(pane), stretch)
        self.splitter.setSizes([180, 620, 300])
        self.setCentralWidget(self.splitter)

        self.status = WindowStatus(self.statusBar(), self)
        self.commands = TaskCommands(self.area.table, self.tasks, self.undo_stack, parent=self)
        hooks = (self.show_message, self.area.focus_table, self.status.take_back)  # say, leave, unsay
        self.details_link = DetailsLink(self.details, self.commands, self.splitter, *hooks)
        shown = (self.details, self.workers, self.session, self.navigator, self.tasks.model)
        self.details_reminder = DetailsReminder.linked(*shown, self.undo_stack, self.show_message)
        self.conflicts = ConflictResolver(self.tasks.editor, self, self.show_message)
        # Edits kept while the database was away: counted in the status bar, sent in order.
        watching = (self.status, self.workers, lambda: self.session.workspace, self.show_message)
        self.outbox_watch = OutboxWatch(*watching, self.refresh, parent=self)
        reach = reachability or Reachability()
        self.retry = RetryTimer(retry_first_ms, parent=self)
        self.outage = OutageWatch(self.workers, self.area.banner, self.retry, reach, self.outbox_watch, self)
        # The outage line stays up while the data layer has given up, not only while our timer waits.
        self.waking = WakingNotice(
            reach, self.area.banner, lambda: self.retry.waiting or reach.unreachable, parent=self
        )
        parts = (self.session, opener, profiles, self.workers, self.area, self.status, self)
        self.switch = WorkspaceSwitch(
            *parts, save_typing=self._save_typing, clear_undo=self.undo_stack.clear, away=self.outage.away()
        )
        self.quick_add = QuickAdd(
            self.area.quick_add,
            self.navigator.draft,
            self.commands.add,
            lambda: self.session.workspace is None and self.switch.pending is not None,
            parent=self,
        )
        tagged = (self.session, self.workers, self.tasks, self.commands, self.navigator, self.sidebar)
        fields = (self.area.quick_add, self.details.tags_edit)  # where #tags are completed
        self.tags = TagFeatures(self, *tagged, self.undo_stack, self.show_message, fields)
        day_first = self.navigator.day_first  # the locale's, as quick add reads dates
        chosen = (profiles, services or AppServices(), zone, self.show_message, self.refresh, day_first)
        self.features = window_features(WindowParts(self, self.session, self.switch, self.workers, *chosen))
        self.reminders: ReminderLink | None = None
        if settings is not None:  # reminders and the tray keep their settings; a test window has none
            mine = (self.session, self.workers, self.commands, settings, self.navigator, self.area)
            self.reminders = ReminderLink(self, *mine, say=self.show_message)
        self.command_table: CommandTable = self._build_commands()
        self.features.bind(self.command_table)
        self.command_palette = CommandPalette(lambda: self.command_table.commands, self)
        self.shortcuts = ShortcutsDialog(lambda: self.command_table.commands, self)
        app_keys = AppKeysFirst([self.command_table[CommandId.PALETTE].shortcut()], self)
        app_keys.watch(self.area.quick_add, self.area.search, *self.details.text_fields())
        self._connect()
        self.command_table.set_enabled(self.switch.allowed())
        self.navigator.show_list(SmartList.INBOX, load=False)
        self._settings = WindowSettings(settings) if settings is not None else None
        if self._settings is not None:
            self._settings.restore(self, self.splitter, self.area.table.horizontalHeader())
        bind_view_menu(self.command_table, self.area.table, settings)  # after the widths: this wins
        if self.reminders is not None:
            self.reminders.bind_default(self.command_table[CommandId.REMIND_AT_DUE])

    def _build_commands(self) -> CommandTable:
        area, commands, nav = self.area, self.commands, self.navigator
        c = CommandId
        run: dict[CommandId, Callable[[], object]] = {
            c.CONNECTIONS: self.switch.open_connections,
            c.QUIT: self.quit_for_real,
            c.FIND: partial(nav.find, everywhere=False),
            c.SEARCH_ALL: partial(nav.find, everywhere=True),
            c.PALETTE: lambda: self.command_palette.open_palette(),
            c.NEW_TASK: area.focus_quick_add,
            c.EDIT_TITLE: commands.edit_current_title,
            c.DETAILS: self.details_link.details_key,
            c.TOGGLE_DONE: commands.toggle_selected,
            c.DELETE: commands.delete_selected,
            c.SET_DUE: partial(self.details_link.open_details, "due_date"),
            c.DUE_TODAY: lambda: commands.set_due(nav.end_of_day(0), "Due today for"),
            c.DUE_TOMORROW: lambda: commands.set_due(nav.end_of_day(1), "Due tomorrow for"),
            c.NEXT_TASK: partial(commands.move_cursor, True, False),
            c.PREVIOUS_TASK: partial(commands.move_cursor, False, False),
            c.EXTEND_DOWN: partial(commands.move_cursor, True, True),
            c.EXTEND_UP: partial(commands.move_cursor, False, True),
            c.RELOAD: self.refresh,
            c.SIGN_IN: self.switch.ask_sign_in,
            c.SIGN_OUT: self.switch.sign_out,
            c.SIGN_OUT_EVERYWHERE: self.switch.sign_out_everywhere,
            c.SHORTCUTS: lambda: self.shortcuts.open_dialog(),
            c.DIAGNOSTICS: DiagnosticsDialog(self.status.facts, self).open_dialog,
            **self.tags.run(),
            **self.features.run(),
        }
        table = build_commands(
            self,
            area.table,
            self.undo_stack,
            run,
            show_list=nav.show_list,
            set_sort=nav.set_sort,
            set_priority=commands.set_priority,
        )
        return dress_commands(table)

    def _connect(self) -> None:
        area, nav, session = self.area, self.navigator, self.session
        self.quick_add.added.connect(area.table.scrollToTop)
        self.quick_add.message.connect(self.show_message)
        area.quick_add.read_with(nav.read_new_task)
        area.placeholder.retry_requested.connect(self.refresh)
        area.follow(nav)
        self.outage.probe.connect(self._probe)
        self.outage.back.connect(self.refresh)
        self.outage.message.connect(self.show_message)
        self.sidebar.list_chosen.connect(nav.show_list)
        nav.list_shown.connect(self.sidebar.set_current)
        nav.sort_shown.connect(self.command_table.show_sort)
        nav.counts_shown.connect(self.sidebar.set_counts)
        nav.count_shown.connect(self.status.show_list)
        nav.query_changed.connect(self.tasks.set_query)
        nav.message.connect(self.show_message)
        self.installEventFilter(nav)  # the window regaining focus reloads the list
        session.opened.connect(self._workspace_opened)
        session.closed.connect(self.tasks.unbind)
        session.editable_changed.connect(self._editable_changed)
        self.switch.changed.connect(lambda: self.command_table.set_enabled(self.switch.allowed()))
        self.switch.message.connect(self.show_message)
        self.waking.noted.connect(self._starting_note)
        self.waking.waking_shown.connect(self.status.show_waking)
        self.tasks.message.connect(self.show_message)
        self.commands.message.connect(self.show_message)
        self.list_focus = ListFocus(area, self.tasks, self.commands)
        self.tasks.add_failed.connect(self.quick_add.give_back)
        area.table.selectionModel().currentRowChanged.connect(lambda *_: self.details_link.follow_current())
        self.workers.latency_measured.connect(self.status.show_latency)
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(self.tasks.model.refresh_clock)
        self._clock.timeout.connect(nav.refresh_counts)
        self._clock.start()

    # Opening ---------------------------------------------------------------------------

    def outside_desk(self) -> OutsideDesk:
        """What a task sent by the command line may use (``ui.chrome.instance_server``)."""
        from todo_desktop.ui.chrome.instance_server import OutsideDesk  # QtNetwork: only if used

        parts = (self.session, self.switch, self.commands, self.tasks.editor, self.quick_add, self.undo_stack)
        return OutsideDesk(self, *parts, self.area.table, self.show_message, self.navigator)

    def open_workspace(self) -> None:
        """Open the active profile on a worker thread (signing in to a shared one first);
        the window stays usable meanwhile."""
        self.switch.open()

    def _workspace_opened(self, workspace: Workspace) -> None:
        self.tasks.set_query(self.navigator.query())
        self.tasks.bind(workspace.tasks)
        self.quick_add.add_early()
        self.navigator.refresh_counts()

    def _editable_changed(self, refusal: str | None) -> None:
        self.commands.read_only = refusal
        self.area.set_editable(refusal)
        self.command_table.set_editable(refusal)

    def refresh(self) -> None:
        if self.session.workspace is None:
            self.open_workspace()
            return
        if not self.area.showing_list():
            self.area.show_busy(switching.LOADING)
        self.tasks.reload()
        self.navigator.refresh_counts()

    # Trouble ---------------------------------------------------------------------------

    def _probe(self) -> None:
        """One cheap read: its success (``reachable``) ends the outage, its failure waits longer."""
        if self.session.workspace is None:
            self.open_workspace()
        else:
            self.navigator.refresh_counts()

    # Typing ----------------------------------------------------------------------------

    def _starting_note(self, text: str) -> None:
        if not self.area.showing_list():
            self.area.show_busy(text)

    def _save_typing(self) -> None:
        if self.details.contains_focus():
            self.details.save_all()
        self.list_focus.inline_title.save_open()

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    # Quitting --------------------------------------------------------------------------

    def quit_for_real(self) -> None:
        """Quit, even when closing the window would only put it in the tray."""
        if self.reminders is not None:
            self.reminders.quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:  # a second Ctrl+Q while the first waits starts no second quit
            event.ignore()
            return
        if self.reminders is not None and self.reminders.hide_instead(event):
            return  # the person chose to keep the app in the tray
        # Focus-out saves (the details pane, a title typed in the list) happen before the window goes away.
        self._save_typing()
        quick_add = self.quick_add
        if quick_add.early and not self._leave_anyway and not quick_add.wait_for_opening(self._quit_wait_ms):
            self._leave_anyway = True
            self.show_message(NOT_SAVED.format(count=len(quick_add.early)))
            event.ignore()
            return
        count = self.switch.kept_offline()
        if count and self.unattended:
            # Nobody to ask (the session ends): the box's default, Quit, after this refused close.
            event.ignore()
            QTimer.singleShot(0, self, self._leave_offline)
            return
        if count and not (self._leave_anyway or self.leaving_offline):
            # Edits wait in the outbox for a database that does not answer, safe in its file:
            # say what becomes of them; Quit closes again without waiting out the retries.
            event.ignore()
            self.confirm_quit(self, switching.kept_at_quit(count), self._leave_offline)
            return
        if self._leave_anyway or self._wait_for_writes():
            if self._settings is not None:
                self._settings.save(self, self.splitter, self.area.table.horizontalHeader())
            self._stop_timers()
            event.accept()
            return
        # Still saving after a long wait: say so instead of dropping edits without a word.
        self._leave_anyway = True
        self.show_message(STILL_SAVING)
        event.ignore()

    def edits_kept_offline(self) -> int:
        """Edits waiting in the outbox while the database is away (0: none, or it answers)."""
        return self.switch.kept_offline()

    def close_unattended(self) -> None:
        """Quit as Ctrl+Q does, for a person who may no longer be there to answer."""
        self.unattended = True
        try:
            self.quit_for_real()  # a session that ends quits, even when closing keeps the app in the tray
        finally:
            self.unattended = False

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
        if not self.leaving_offline:
            return self.workers.wait_for_writes_showing_busy(self._quit_wait_ms)
        self._closing = True  # only edits on their way into the outbox file, not its retries
        try:
            return self.workers.wait_for_edits(self._quit_wait_ms)
        finally:
            self._closing = False
