"""The details pane's Remind field against the real database: a reminder set, changed and
cleared by typing is stored where every device reads it, the list's bell follows, and wrong
words or a refused write leave one sentence and nothing half-stored; under it, when a reminder
counted from the due date rings."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.support.gui_fakes import key, select_rows, settle
from tests.support.tag_windows import tag_window_maker
from todo_desktop.core.clock import LocalZone, end_of_day, utc_now
from todo_desktop.core.errors import NotSignedInError
from todo_desktop.core.quick_entry.reminder_text import NOT_A_REMINDER
from todo_desktop.core.reminders import NEEDS_DUE_DATE, rings_at
from todo_desktop.core.values import ReminderSetting, TaskChanges, TaskDraft
from todo_desktop.db.connect.error_mapping import SESSION_ENDED
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.ui.reminders.wording import when
from todo_desktop.ui.tasks.details_reminder import DetailsReminder

pytestmark = pytest.mark.gui
TEN_BEFORE = ReminderSetting(before_due=timedelta(minutes=10))


@pytest.fixture(params=["database"])
def make_window(request, qtbot, tmp_path):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


@pytest.fixture
def reminders(client_db, alice) -> ReminderRepository:
    return ReminderRepository(client_db, alice.token)


def with_field(window):
    """The window with its Remind field linked (as the window links it, once it does)."""
    if getattr(window, "details_reminder", None) is None:
        parts = (window.details, window.workers, window.session, window.navigator, window.tasks.model)
        window.details_reminder = DetailsReminder.linked(*parts, window.undo_stack, window.show_message)
    return window


def open_task(qtbot, window, title: str):
    model = window.tasks.model
    row = next(r for r in range(model.rowCount()) if model.task_at(r).title == title)
    select_rows(window, [row])
    key(qtbot, window.area.table, "Ctrl+Return")
    pane = window.details
    assert pane.task_id == model.task_at(row).id
    return pane, model.task_at(row)


def type_reminder(qtbot, pane, text: str) -> None:
    field = pane.reminder_edit
    field.setFocus()
    field.selectAll()
    key(qtbot, field, "Backspace")
    if text:
        qtbot.keyClicks(field, text)
    key(qtbot, field, "Return")


def test_set_change_and_clear_a_reminder(qtbot, make_window, reminders) -> None:
    window, _service = make_window([TaskDraft("Dentist")], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Dentist")
    field = pane.reminder_edit
    assert field.accessibleName() == "Reminder" and field.isEnabled()
    assert field.text() == ""

    # Stored, the counts are read again: the bells and the reminder desk follow them.
    with qtbot.waitSignal(window.navigator.counts_requested, timeout=5000):
        type_reminder(qtbot, pane, "10 min before")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == TEN_BEFORE)
    assert field.text() == "10 min before due"
    qtbot.waitUntil(lambda: task.id in window.tasks.model.reminded)
    row = window.tasks.model.row_of(task.id)
    described = window.tasks.model.index(row, 1).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert "Has a reminder" in described

    type_reminder(qtbot, pane, "remind me 1 hour before")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == ReminderSetting(before_due=timedelta(hours=1)))

    type_reminder(qtbot, pane, "tomorrow 9am")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: (reminders.reminder_of(task.id) or TEN_BEFORE).at is not None)
    at = reminders.reminder_of(task.id).at  # type: ignore[union-attr]
    local = at.astimezone()
    assert (local.hour, local.minute) == (9, 0)
    assert field.text().startswith("tomorrow")

    type_reminder(qtbot, pane, "")  # an empty field is no reminder
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) is None)
    qtbot.waitUntil(lambda: task.id not in window.tasks.model.reminded)
    assert not pane.reminder_error.isVisibleTo(pane)


def test_leaving_the_field_stores_it_too(qtbot, make_window, reminders) -> None:
    window, _service = make_window([TaskDraft("Dentist")], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Dentist")
    key(qtbot, pane.title_edit, "Alt+M")  # the label's key reaches the field
    assert pane.reminder_edit.hasFocus()
    qtbot.keyClicks(pane.reminder_edit, "when due")
    key(qtbot, pane.reminder_edit, "Escape")  # back to the list: focus leaves, it saves
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == ReminderSetting(before_due=timedelta(0)))
    assert pane.reminder_edit.text() == "at due time"


def test_wrong_words_keep_the_text_with_one_sentence(qtbot, make_window, reminders) -> None:
    window, _service = make_window([TaskDraft("Dentist")], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Dentist")
    type_reminder(qtbot, pane, "sometime soon")
    settle(qtbot, window)
    assert pane.reminder_error.isVisibleTo(pane)
    assert pane.reminder_error.text() == NOT_A_REMINDER
    assert pane.reminder_edit.text() == "sometime soon"
    assert reminders.reminder_of(task.id) is None
    # Corrected, the sentence goes and the reminder is stored.
    type_reminder(qtbot, pane, "@5pm")
    settle(qtbot, window)
    assert not pane.reminder_error.isVisibleTo(pane)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) is not None)


def test_before_needs_a_due_date(qtbot, make_window, reminders) -> None:
    """No due date: nothing to ring before; a time of its own still works."""
    window, service = make_window([TaskDraft("Pay rent")], reminders=reminders)
    service.update(window.tasks.model.task_at(0).id, TaskChanges(due_date=None))
    window.close()
    window, _service = make_window([], reminders=reminders)  # shows it without a due date
    with_field(window)
    pane, task = open_task(qtbot, window, "Pay rent")
    assert task.due_date is None
    type_reminder(qtbot, pane, "2 days before")
    settle(qtbot, window)
    assert pane.reminder_error.text() == NEEDS_DUE_DATE
    assert pane.reminder_edit.text() == "2 days before"
    assert reminders.reminder_of(task.id) is None
    assert task.id not in window.tasks.model.reminded
    type_reminder(qtbot, pane, "fri 9am")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) is not None)


def test_a_task_due_all_day_takes_an_offset(qtbot, make_window, reminders) -> None:
    """A date alone (kept at 23:59): the database counts its reminders from 09:00 that day."""
    window, _service = make_window([], reminders=reminders)
    all_day = end_of_day(utc_now(), window.navigator.zone, 3)
    window.close()
    window, _service = make_window([TaskDraft("Pay rent", due_date=all_day)], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Pay rent")
    type_reminder(qtbot, pane, "1 day before")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == ReminderSetting(before_due=timedelta(days=1)))
    assert not pane.reminder_error.isVisibleTo(pane)


def test_each_task_shows_its_own_reminder(qtbot, make_window, reminders, alice_tasks) -> None:
    window, _service = make_window([TaskDraft("Plain"), TaskDraft("Flight")], reminders=reminders)
    flight = next(t for t in window.tasks.model.tasks() if t.title == "Flight")
    reminders.set_reminder(flight.id, ReminderSetting(before_due=timedelta(hours=3)))
    with_field(window)
    pane, _task = open_task(qtbot, window, "Flight")
    qtbot.waitUntil(lambda: pane.reminder_edit.text() == "3 hours before due")
    pane, _task = open_task(qtbot, window, "Plain")
    qtbot.waitUntil(lambda: pane.reminder_edit.text() == "")
    settle(qtbot, window)
    assert pane.reminder_edit.text() == ""  # the Flight's answer never lands on Plain


def test_a_refused_write_is_said_and_the_field_restored(qtbot, make_window, reminders, alice_tasks) -> None:
    window, _service = make_window([TaskDraft("Dentist")], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Dentist")
    alice_tasks.delete([task.id])  # gone on another device, not yet seen here
    type_reminder(qtbot, pane, "10 min before")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Reminder not changed:"))
    assert pane.reminder_edit.text() == ""
    assert task.id not in window.tasks.model.reminded
    assert window.undo_stack.count() == 0  # nothing happened, so there is nothing to undo


def test_ctrl_z_takes_a_reminder_change_back_and_ctrl_shift_z_makes_it_again(
    qtbot, make_window, reminders
) -> None:
    window, _service = make_window([TaskDraft("Dentist")], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Dentist")
    field, stack = pane.reminder_edit, window.undo_stack
    type_reminder(qtbot, pane, "10 min before")
    settle(qtbot, window)
    assert stack.undoText() == "Set reminder of “Dentist”"
    type_reminder(qtbot, pane, "")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) is None)
    assert stack.undoText() == "Clear reminder of “Dentist”"

    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == TEN_BEFORE)
    assert field.text() == "10 min before due"
    qtbot.waitUntil(lambda: task.id in window.tasks.model.reminded)
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) is None)
    assert field.text() == ""
    qtbot.waitUntil(lambda: task.id not in window.tasks.model.reminded)
    key(qtbot, window.area.table, "Ctrl+Shift+Z")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == TEN_BEFORE)
    assert field.text() == "10 min before due"


def test_a_read_only_workspace_cannot_edit(qtbot, make_window) -> None:
    window, _service = make_window([TaskDraft("Dentist")])  # no reminders to give
    with_field(window)
    pane, _task = open_task(qtbot, window, "Dentist")
    assert not pane.reminder_edit.isEnabled()
    assert pane.reminder_edit.text() == ""


def test_ctrl_enter_saves_the_reminder_or_stays_on_wrong_words(qtbot, make_window, reminders) -> None:
    window, _service = make_window([TaskDraft("Dentist")], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Dentist")
    pane.reminder_edit.setFocus()
    qtbot.keyClicks(pane.reminder_edit, "soonish")
    key(qtbot, pane.reminder_edit, "Ctrl+Return")
    assert pane.reminder_edit.hasFocus()  # not back to the list: the words must be fixed first
    assert pane.reminder_error.text() == NOT_A_REMINDER
    pane.reminder_edit.clear()
    qtbot.keyClicks(pane.reminder_edit, "1 hour before")
    key(qtbot, pane.reminder_edit, "Ctrl+Return")
    assert window.area.table.hasFocus()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == ReminderSetting(before_due=timedelta(hours=1)))


class _SessionEnding:
    """The reminders of a session that ends while a read is on its way: the read waits until
    ``release`` and then finds the session gone."""

    def __init__(self, inner: ReminderRepository) -> None:
        self._inner = inner
        self.release = threading.Event()

    def reminder_of(self, task_id):
        self.release.wait(10)
        raise NotSignedInError(SESSION_ENDED)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


@pytest.mark.parametrize("left", [True, False], ids=["workspace-left", "workspace-kept"])
def test_a_read_failing_after_the_workspace_is_left_says_nothing(qtbot, make_window, reminders, left) -> None:
    ending = _SessionEnding(reminders)
    window, _service = make_window([TaskDraft("Dentist")], reminders=ending)
    with_field(window)
    open_task(qtbot, window, "Dentist")
    if left:
        window.session.close()  # as signing out everywhere does, before the read answers
    ending.release.set()
    settle(qtbot, window)
    qtbot.wait(200)
    said = window.statusBar().currentMessage().startswith("The reminder could not be read")
    assert said is not left


# Under the field, a reminder counted from the due date says when it rings ("Rings Thu 09:00"): a
# task due all day counts from 09:00 on its day, which its words alone do not say.
DAY_BEFORE = ReminderSetting(before_due=timedelta(days=1))


def rings_line(pane) -> str:
    label = pane.form.reminder_rings
    return label.text() if label.isVisibleTo(pane) else ""


def test_an_offset_says_when_it_rings_and_follows_the_due_date(qtbot, make_window, reminders) -> None:
    zone = LocalZone()
    due = end_of_day(utc_now(), zone, days_ahead=3)  # all day, three days ahead
    window, _service = make_window([TaskDraft("Pay rent", due_date=due)], reminders=reminders)
    with_field(window)
    pane, task = open_task(qtbot, window, "Pay rent")
    assert rings_line(pane) == ""  # no reminder yet

    type_reminder(qtbot, pane, "1 day before")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) == DAY_BEFORE)
    rings = rings_at(DAY_BEFORE, due, zone)
    assert rings is not None and rings.astimezone(zone).hour == 9  # the morning before, not 23:59
    qtbot.waitUntil(lambda: rings_line(pane) == f"Rings {when(rings, utc_now())}")

    # A time given to the due date: the reminder moves with it, and so does the line.
    words = pane.words.due_words
    words.setFocus()
    qtbot.keyClicks(words, "in 5 days at 17:30")
    key(qtbot, words, "Return")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.tasks.model.task(task.id).due_date != due)
    moved = window.tasks.model.task(task.id).due_date
    later = rings_at(DAY_BEFORE, moved, zone)
    assert later is not None and (later.astimezone(zone).hour, later.astimezone(zone).minute) == (17, 30)
    qtbot.waitUntil(lambda: rings_line(pane) == f"Rings {when(later, utc_now())}")

    type_reminder(qtbot, pane, "tomorrow 8am")  # a time of its own: its words say it all
    settle(qtbot, window)
    qtbot.waitUntil(lambda: (reminders.reminder_of(task.id) or DAY_BEFORE).at is not None)
    qtbot.waitUntil(lambda: rings_line(pane) == "")

    type_reminder(qtbot, pane, "when due")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: rings_line(pane).startswith("Rings "))
    window.area.table.setFocus()
    key(qtbot, window.area.table, "Space")  # a completed task rings no more: nothing to say
    settle(qtbot, window)
    qtbot.waitUntil(lambda: rings_line(pane) == "")
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: rings_line(pane).startswith("Rings "))
    type_reminder(qtbot, pane, "")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: reminders.reminder_of(task.id) is None)
    assert rings_line(pane) == ""
