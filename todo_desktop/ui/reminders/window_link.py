"""Reminders in the window: the desk follows the open workspace, and asks again whenever
the counts are read again (after every write that landed, so a reminder set or moved here
rings on time); a notification's Done completes the task as Space does (one undoable step,
the next occurrence of a repeat), reading it from the database when the list on screen does
not show it; its Open brings the window forward on that task (in the Inbox, the search
cleared, when the list on screen does not show it); the tray carries quick add,
open, today's count and quit, and keeps the app running after the window closes only when
the person chose that."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QModelIndex, QObject, QSettings
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from todo_desktop.core.failures import Failure
from todo_desktop.core.ports import Workspace
from todo_desktop.core.reminders import ReminderDefault, ReminderGateway
from todo_desktop.core.values import ListCounts, SmartList, Task
from todo_desktop.ui.chrome.icons import app_icon
from todo_desktop.ui.lists.navigator import ListNavigator
from todo_desktop.ui.reminders.setup import ReminderParts, reminder_parts
from todo_desktop.ui.session import WorkspaceSession
from todo_desktop.ui.tasks.area import TaskArea
from todo_desktop.ui.tasks.commands import TaskCommands
from todo_desktop.ui.workers import Workers

REMIND_AT_DUE_KEY = "reminders/at_due_time"
GONE = "That task no longer exists; it may have been deleted on another device."
# Open reads the Inbox on, page after page, this far at most to find the task it shows.
MOST_ROWS_TO_OPEN = 2000
NOT_OPEN = "That task is no longer open: it may have been completed or deleted on another device."
FAR_DOWN = f"That task comes after the Inbox's first {MOST_ROWS_TO_OPEN:,} tasks; search for its title."


class ReminderLink(QObject):
    def __init__(
        self,
        window: QMainWindow,
        session: WorkspaceSession,
        workers: Workers,
        commands: TaskCommands,
        settings: QSettings,
        navigator: ListNavigator,
        area: TaskArea,
        *,
        say: Callable[[str], None],
        parts: ReminderParts | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._commands = commands
        self._editor = commands.editor
        self._navigator = navigator
        self._area = area
        self._table = area.table
        self._say = say
        self._settings = settings
        self._wanted: uuid.UUID | None = None  # a task to show once its list has loaded
        self._workers = workers
        self._reminded_view = workers.new_view("reminded")
        self._gateway: ReminderGateway | None = None
        self.quitting = False  # Quit asked for (menu, tray, Ctrl+Q): the window really closes
        self.parts = (
            parts if parts is not None else reminder_parts(workers, settings, app_icon(), parent=self)
        )
        desk = self.parts.desk
        session.opened.connect(self._opened)
        session.closed.connect(self._closed)
        desk.done_requested.connect(self._complete)
        desk.open_requested.connect(self._open)
        navigator.counts_shown.connect(self.set_today_count)
        # The bells are read when the counts are read again (a load, settled edits, the clock,
        # another device's changes), not each time the rows adjust the counts on screen.
        navigator.counts_requested.connect(self._read_reminded)
        # The same moments may have set, moved or cleared a reminder: the counts are read
        # again once an edit here has been stored (undo and redo too), once the outbox has
        # sent what it kept, and when another device's changes arrive. Asking then, not at
        # the desk's next recheck, makes a reminder set here ring on time.
        navigator.counts_requested.connect(desk.check_now)
        desk.shown.connect(self._read_reminded)
        if self.parts.window_notices is not None:
            self.parts.window_notices.said.connect(self._say_reminder)
        self._editor.model.modelReset.connect(self._look_for_wanted)
        self._editor.model.rowsInserted.connect(self._look_for_wanted)
        tray = self.parts.tray
        if tray is not None:
            tray.open_requested.connect(self._bring_forward)
            tray.quick_add_requested.connect(self._bring_forward_to_quick_add)
            tray.quit_requested.connect(self._quit)
            tray.said.connect(say)
            tray.show()

    def _say_reminder(self, text: str) -> None:
        self._say(text)
        QApplication.alert(self._window)  # the taskbar asks for attention where it can

    def _closed(self) -> None:
        self._gateway = None
        self.parts.desk.set_gateway(None)

    def bind_default(self, action: QAction) -> None:
        """The Task menu's "Remind at Due Time by Default": new tasks whose text names a due
        time and no reminder of their own get one at that time. Remembered in the settings."""
        on = bool(self._settings.value(REMIND_AT_DUE_KEY, False, type=bool))
        action.setChecked(on)
        self._use_default(on)
        action.toggled.connect(self._use_default)

    def _use_default(self, on: bool) -> None:
        self._navigator.reminder_default = ReminderDefault.AT_DUE_TIME if on else ReminderDefault.NONE
        self._settings.setValue(REMIND_AT_DUE_KEY, on)

    def _opened(self, workspace: Workspace) -> None:
        self._gateway = workspace.reminders
        self.parts.desk.set_gateway(workspace.reminders)
        self._read_reminded()

    def _read_reminded(self, *_: object) -> None:
        gateway, model = self._gateway, self._editor.model
        if gateway is None:
            model.set_reminded(frozenset())
            return
        self._workers.read(
            self._reminded_view, gateway.reminded_task_ids, model.set_reminded, lambda _f: None
        )

    def set_today_count(self, counts: ListCounts) -> None:
        if self.parts.tray is not None:
            self.parts.tray.set_today_count(counts.counts.get(SmartList.TODAY, 0))

    def hide_instead(self, event: QCloseEvent) -> bool:
        """Closing keeps the app in the tray when the person chose that: the window hides and
        the event is refused. False: close as usual."""
        tray = self.parts.tray
        if tray is None or self.quitting or not tray.should_hide_on_close():
            return False
        event.ignore()
        # Hidden, the app lives on in the tray: a dialog closing now must not end it.
        QApplication.setQuitOnLastWindowClosed(False)
        self._window.hide()
        tray.note_hidden()
        return True

    def _complete(self, task_id: uuid.UUID) -> None:
        """Done in a notification: as Space on the task. One the list on screen does not show
        (another list, or the window in the tray) is read first: its repeat makes the next
        occurrence, and its version guards against overwriting another device's edit."""
        shown = self._editor.model.task(task_id)
        gateway = self._gateway
        if shown is not None:
            self._commands.set_completed([task_id], True)
            return
        if gateway is None:  # the notification outlived its workspace: nothing to complete in
            return
        self._workers.read(
            self._workers.new_view("done"),  # each Done its own: one must not drop another
            partial(gateway.task, task_id),
            partial(self._complete_read, gateway, task_id),
            partial(self._not_read, gateway, task_id),
            label="task to complete",
        )

    def _complete_read(self, gateway: ReminderGateway, task_id: uuid.UUID, task: Task | None) -> None:
        if gateway is not self._gateway:  # the workspace closed meanwhile
            return
        if task is None:
            self._say(GONE)
            return
        # The list may have loaded it meanwhile: then its row is the one to go by.
        shown = self._editor.model.task(task_id)
        if shown is None:
            self._editor.versions.seen(task)
        self._commands.complete_tasks([shown or task])

    def _not_read(self, gateway: ReminderGateway, task_id: uuid.UUID, failure: Failure) -> None:
        if gateway is not self._gateway:
            return
        if not failure.unavailable:
            self._say(f"Not completed: {failure}")
            return
        # The database went away since the reminder came: the outbox keeps the completion
        # until it is back, without its undo or a repeat's next occurrence (nothing to go by).
        if self._commands.can_edit():
            self._editor.set_completed([task_id], True)

    def _open(self, task_id: uuid.UUID) -> None:
        """The window forward on the task: in the list shown when it is there, else in the
        Inbox (every open task), without the search that may leave it out, once that has loaded."""
        self._bring_forward()
        self._wanted = task_id
        if not self._select_wanted():
            self._area.clear_search()
            self._navigator.show_list(SmartList.INBOX)

    def _look_for_wanted(self, *_rows: object) -> None:
        """A page of the list arrived: show the wanted task if it is there, else read on
        (the Inbox lists every open task, but its first read holds only a window's rows)."""
        if self._wanted is None or self._select_wanted():
            return
        model = self._editor.model
        if not model.pages.more or model.rowCount() >= MOST_ROWS_TO_OPEN:
            self._wanted = None
            self._say(FAR_DOWN if model.pages.more else NOT_OPEN)
        elif model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())  # else a page is on its way, and comes here too

    def _select_wanted(self) -> bool:
        model = self._editor.model
        row = model.row_of(self._wanted) if self._wanted is not None else None
        if row is None:
            return False
        self._wanted = None
        self._table.setCurrentIndex(model.index(row, 1))
        self._table.scrollTo(model.index(row, 1))
        self._table.setFocus()
        return True

    def _bring_forward(self) -> None:
        QApplication.setQuitOnLastWindowClosed(True)  # shown again: closing it quits as usual
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def _bring_forward_to_quick_add(self) -> None:
        self._bring_forward()
        self._area.focus_quick_add()

    def _quit(self) -> None:
        """Quit from the tray's menu: the window closes for real. When it cannot yet (edits on
        their way, or waiting for a database that does not answer: it asks), it comes
        forward to say why; closing it once the person agrees then ends the app, as Ctrl+Q
        does."""
        self.quitting = True
        if not self._window.close():
            self._bring_forward()
            return
        app = QApplication.instance()
        if app is not None:
            app.quit()
