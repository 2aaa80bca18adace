"""The details pane's Remind field: the shown task's reminder in words, set, changed or
cleared by typing.

The reminder lives in the database apart from the task (every device rings the same one), so
it is read when a task is shown and written through the reminders gateway, off the GUI
thread; an answer about a task no longer shown is dropped. The words are quick add's
(``core.quick_entry.reminder_text``): "10 min before", "when due", "fri 9am", "@5pm"; an
empty field is no reminder. Wrong words keep their text, with one sentence beside the field.
The row's bell follows at once, and once a write has landed ``replan`` has the reminder desk
and the bells read again, so a reminder set here rings on time. Each change is one step of
the window's undo history.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import partial

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack

from todo_desktop.core.clock import utc_now
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.failures import Failure
from todo_desktop.core.quick_entry.reminder_text import offset_words, read_reminder, same_setting
from todo_desktop.core.reminders import ReminderGateway, check_offset, rings_at
from todo_desktop.core.values import ReminderSetting, Task
from todo_desktop.ui.lists.navigator import ListNavigator
from todo_desktop.ui.reminders.wording import when
from todo_desktop.ui.session import WorkspaceSession
from todo_desktop.ui.tasks.details_fields import Reader
from todo_desktop.ui.tasks.details_pane import DetailsPane
from todo_desktop.ui.tasks.edits import Done
from todo_desktop.ui.tasks.table_model import TaskTableModel
from todo_desktop.ui.tasks.undo_commands import SetReminder
from todo_desktop.ui.workers import Workers

NOT_CHANGED = "Reminder not changed: {failure}"
NOT_READ = "The reminder could not be read: {failure}"
READ_ONLY = "Reminders cannot be changed here"


class DetailsReminder(QObject):
    def __init__(
        self,
        pane: DetailsPane,
        workers: Workers,
        session: WorkspaceSession,
        model: TaskTableModel,
        read: Reader,
        stack: QUndoStack,
        *,
        zone: tzinfo,
        say: Callable[[str], None],
        replan: Callable[[], None],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """``read``: quick add's reader (the window's clock, zone and date order); ``zone``
        the person's, in which the row's bell guesses a ring time; ``replan``: read the bells
        and the next reminder again (the window's counts refresh does both)."""
        super().__init__(pane)
        self._pane = pane
        self._edit = pane.reminder_edit
        self._workers = workers
        self._session = session
        self._model = model
        self._read = read
        self._stack = stack
        self._zone = zone
        self._say = say
        self._replan = replan
        self._clock = clock
        self._view = workers.new_view("details-reminder")
        self._stored: ReminderSetting | None = None  # of the shown task, as last read or written
        self._words = ""  # what the field showed for it: unchanged text is no change
        self._written = 0  # writes asked for: a read begun before one is out of date
        pane.form.offer_reminder()
        pane.shown.connect(self._shown)
        pane.refreshed.connect(lambda _task: self._show_rings())
        pane.reminder_commit.connect(self.commit)
        self._edit.textEdited.connect(self._corrected)
        self._edit.textEdited.connect(lambda _text: self._show_rings())
        session.opened.connect(self._reshow)
        session.closed.connect(self._reshow)
        self._reshow()

    @classmethod
    def linked(
        cls,
        pane: DetailsPane,
        workers: Workers,
        session: WorkspaceSession,
        navigator: ListNavigator,
        model: TaskTableModel,
        stack: QUndoStack,
        say: Callable[[str], None],
    ) -> DetailsReminder:
        """The field as a window links it: words read as its quick add reads them, changes on
        its undo history, and the counts read again after a write (the bells and the reminder
        desk follow them)."""
        read, zone, replan = navigator.read_entry, navigator.zone, navigator.refresh_counts
        return cls(pane, workers, session, model, read, stack, zone=zone, say=say, replan=replan)

    def _gateway(self) -> ReminderGateway | None:
        workspace = self._session.workspace
        return workspace.reminders if workspace is not None else None

    # Reading ---------------------------------------------------------------------------

    def _reshow(self, *_: object) -> None:
        # Another workspace: another gateway, or none (then the field cannot be changed).
        self._shown(self._pane.shown_task)

    def _shown(self, task: Task | None) -> None:
        self._stored, self._words = None, ""
        self._show_words("")
        self._set_error("")
        gateway = self._gateway()
        editable = task is not None and gateway is not None
        self._edit.setEnabled(editable)
        self._edit.setToolTip("" if editable or task is None else READ_ONLY)
        if task is None or gateway is None:
            return
        self._workers.read(
            self._view,
            partial(gateway.reminder_of, task.id),
            partial(self._read_done, task.id, self._written),
            partial(self._read_failed, gateway),
            label="reminder",
        )

    def _read_done(self, task_id: uuid.UUID, written: int, setting: ReminderSetting | None) -> None:
        if self._pane.task_id != task_id or written != self._written:
            return  # another task is shown now, or the field has been stored since
        typing = self._edit.text() != self._words
        self._stored, self._words = setting, self._words_for(setting)
        if not typing:  # what the person began to type meanwhile stays
            self._show_words(self._words)

    def _read_failed(self, gateway: ReminderGateway, failure: Failure) -> None:
        if self._gateway() is not gateway:
            return  # about a workspace left since (a session ended is the window's to say)
        if not failure.unavailable:  # a database away is said by the window already
            self._say(NOT_READ.format(failure=failure))

    def _words_for(self, setting: ReminderSetting | None) -> str:
        if setting is None:
            return ""
        offset = offset_words(setting)
        if offset is not None:
            return offset
        assert setting.at is not None
        return when(setting.at, self._clock())

    def _show_words(self, words: str) -> None:
        self._edit.setText(words)
        self._edit.setCursorPosition(0)
        self._show_rings()

    def _show_rings(self) -> None:
        """Under the field, when a reminder counted from the due date rings: its words alone
        do not say it (a task due all day counts from 09:00). One at a time of its own says
        nothing more; one being typed, nothing yet; a completed task rings no more."""
        task, setting, label = self._pane.shown_task, self._stored, self._pane.form.reminder_rings
        rings = None
        if task is not None and not task.completed and setting is not None and setting.before_due is not None:
            rings = rings_at(setting, task.due_date, self._zone)
        if rings is None or self._edit.text() != self._words:
            label.hide()
            return
        now = self._clock()
        label.setText(f"{'Rings' if rings > now else 'Rang'} {when(rings, now)}")
        label.show()

    # Writing ---------------------------------------------------------------------------

    def wanted(self) -> ReminderSetting | None:
        """What the field asks for; raises ValidationError with the sentence for it."""
        text = self._edit.text()
        if text.strip() == self._words.strip():
            return self._stored  # untouched: whatever its words would read back as
        task = self._pane.shown_task
        setting = read_reminder(text, lambda line: self._read(line)[0])
        check_offset(setting, task.due_date if task is not None else None)
        return setting

    def commit(self) -> None:
        """Store what the field says, if it says something new."""
        task, gateway = self._pane.shown_task, self._gateway()
        if task is None or gateway is None or not self._edit.isEnabled():
            return
        try:
            setting = self.wanted()
        except ValidationError as exc:
            self._set_error(exc.message)
            return
        self._set_error("")
        if same_setting(setting, self._stored):
            return
        self._stack.push(SetReminder(self._stack, task, self._stored, setting, self._write))

    def _write(
        self, task: Task, setting: ReminderSetting | None, before: ReminderSetting | None, done: Done
    ) -> None:
        """Store ``setting`` as ``task``'s reminder, shown at once; ``before`` comes back if
        the database refuses. A step of the undo history, which ``done`` answers."""
        gateway = self._gateway()
        if gateway is None:
            self._say(f"{READ_ONLY}.")  # an undo after the workspace changed
            done(False)
            return
        self._written += 1
        self._show_setting(task, setting)
        job = (
            partial(gateway.clear_reminder, task.id)
            if setting is None
            else partial(gateway.set_reminder, task.id, setting)
        )
        self._workers.write(
            job,
            partial(self._written_ok, done),
            partial(self._write_failed, task, before, done),
            label="reminder",
        )

    def _written_ok(self, done: Done, _none: None) -> None:
        self._replan()
        done(True)

    def _write_failed(self, task: Task, before: ReminderSetting | None, done: Done, failure: Failure) -> None:
        self._say(NOT_CHANGED.format(failure=failure))
        self._show_setting(task, before)
        self._replan()
        done(False)

    def _show_setting(self, task: Task, setting: ReminderSetting | None) -> None:
        task = self._model.task(task.id) or task  # an undo's task may have moved since
        self._mark(task, setting)
        if self._pane.task_id == task.id:
            self._stored, self._words = setting, self._words_for(setting)
            self._show_words(self._words)

    def _mark(self, task: Task, setting: ReminderSetting | None) -> None:
        """The row's bell at once; the database's answer follows with ``replan``."""
        fires = rings_at(setting, task.due_date, self._zone) if setting is not None else None
        ids = self._model.reminded - {task.id}
        if fires is not None and fires > self._clock():
            ids |= {task.id}
        self._model.set_reminded(frozenset(ids))

    def _set_error(self, message: str) -> None:
        self._pane.reminder_error.setText(message)
        self._pane.reminder_error.setVisible(bool(message))

    def _corrected(self, _text: str) -> None:
        # The sentence goes once the words read; one still true stays.
        if not self._pane.reminder_error.isVisibleTo(self._pane):
            return
        try:
            self.wanted()
        except ValidationError:
            return
        self._set_error("")
