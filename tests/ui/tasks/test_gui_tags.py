"""Tags from the keyboard: typed in quick add (with completion), shown as chips, and renamed,
merged and deleted with undo, on the in-memory service and on the real database."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from tests.support.memory_tasks import NOW, REFUSED, MemoryTasks, RefusingTasks
from tests.support.tag_windows import (
    BACKENDS,
    activate,
    all_stored,
    hold_tag_writes,
    open_memory_window,
    press_in_list,
    stored_task,
    tag_window_maker,
)
from todo_desktop.core.values import TaskDraft
from todo_desktop.ui.tags.dialogs import MERGE_BOX
from todo_desktop.ui.tags.names import NOT_A_TAG
from todo_desktop.ui.tasks.task_list import LIST_VIEW

pytestmark = pytest.mark.gui


@pytest.fixture(params=BACKENDS)
def make_window(request, qtbot, tmp_path):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


def tags_of(service) -> dict[str, tuple[str, ...]]:
    return {t.title: t.tags for t in all_stored(service)}


def rename_in_sidebar(qtbot, window, old: str, new: str) -> None:
    """F2 on the tag in the sidebar, type the new name, Enter."""
    window.sidebar.setFocus()
    window.sidebar.choose_tag(old)  # shows the tag's tasks
    qtbot.waitUntil(lambda: window.tasks.query.tag == old and not window.workers.reading(LIST_VIEW))
    key(qtbot, window.sidebar, "F2")
    dialog = window.tags.namer
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.field.text() == f"#{old}"
    dialog.field.selectAll()
    qtbot.keyClicks(dialog.field, f"#{new}")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)


def merge_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == MERGE_BOX and widget.isVisible():
            return widget
    return None


def undo(qtbot, window) -> None:
    activate(qtbot, window)  # see press_in_list
    window.area.table.setFocus()
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)


SHOPPING = [
    TaskDraft("Milk", tags=("shop",)),
    TaskDraft("Bread", tags=("shop", "bakery")),
    TaskDraft("Paint", tags=("home",)),
    TaskDraft("Soap", tags=("home", "shop")),
]


def test_quick_add_stores_tags_and_repeat_and_shows_them(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Existing")])
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Buy milk #shop every week")
    assert window.area.understood.text().endswith("#shop · Every week")
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    row = shown_titles(window).index("Buy milk")
    shown = window.tasks.model.task_at(row)
    assert shown.tags == ("shop",) and shown.repeat == "FREQ=WEEKLY"  # at once, before the answer
    settle(qtbot, window)
    task = stored_task(service, shown.id)
    assert (task.title, task.tags, task.repeat, task.repeat_after_completion) == (
        "Buy milk",
        ("shop",),
        "FREQ=WEEKLY",
        False,
    )
    said = window.tasks.model.index(row, 1).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert "Tags #shop" in said and "Repeats every week" in said
    qtbot.waitUntil(lambda: window.sidebar.tag_names() == ["shop"])  # the sidebar learns the tag
    assert window.sidebar.tag_count_text("shop") == "1"


def test_typing_hash_and_letters_completes_an_existing_tag(qtbot, make_window) -> None:
    window, service = make_window(
        [TaskDraft("Milk", tags=("groceries",)), TaskDraft("Rake", tags=("garden",))]
    )
    field = window.area.quick_add
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(field, "Eggs #g")
    popup = window.tags.completers[0].popup
    qtbot.waitUntil(popup.isVisible)
    offered = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert sorted(offered) == ["garden", "groceries"]
    qtbot.keyClicks(field, "r")  # "#gr": only one is left
    assert [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())] == ["groceries"]
    press_in_list(qtbot, window, popup, "Return")  # takes the tag; does not add the task yet
    assert field.text() == "Eggs #groceries "
    assert not popup.isVisible()
    assert "Eggs" not in shown_titles(window)
    qtbot.keyClicks(field, "tomorrow")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, window)
    eggs = next(t for t in all_stored(service) if t.title == "Eggs")
    assert eggs.tags == ("groceries",) and eggs.due_date is not None


def test_no_popup_for_a_title_or_an_issue_number_and_esc_keeps_the_typing(qtbot, make_window) -> None:
    window, _ = make_window([TaskDraft("Milk", tags=("groceries",))])
    field = window.area.quick_add
    popup = window.tags.completers[0].popup
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(field, "go fix #1")
    assert not popup.isVisible()
    field.clear()
    qtbot.keyClicks(field, "Buy #g")
    qtbot.waitUntil(popup.isVisible)
    press_in_list(qtbot, window, popup, "Esc")  # closes the list, stays in the field
    assert not popup.isVisible() and field.hasFocus() and field.text() == "Buy #g"


def test_rename_a_tag_from_the_sidebar_and_undo_and_redo(qtbot, make_window) -> None:
    window, service = make_window(SHOPPING)
    rename_in_sidebar(qtbot, window, "shop", "groceries")
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # the dialog hands the keyboard back
    settle(qtbot, window)
    assert tags_of(service) == {
        "Milk": ("groceries",),
        "Bread": ("groceries", "bakery"),
        "Paint": ("home",),
        "Soap": ("home", "groceries"),
    }
    qtbot.waitUntil(
        lambda: "groceries" in window.sidebar.tag_names() and "shop" not in window.sidebar.tag_names()
    )
    assert window.status.list_label.toolTip() == "#groceries: 3"  # the list follows the tag it showed

    undo(qtbot, window)
    assert tags_of(service)["Bread"] == ("shop", "bakery")
    assert {t.tags for t in all_stored(service)} == {
        ("shop",),
        ("shop", "bakery"),
        ("home",),
        ("home", "shop"),
    }
    qtbot.waitUntil(lambda: "shop" in window.sidebar.tag_names())
    key(qtbot, window.area.table, "Ctrl+Shift+Z")
    settle(qtbot, window)
    assert tags_of(service)["Milk"] == ("groceries",)


def test_merge_asks_first_and_its_undo_puts_back_the_exact_split(qtbot, make_window) -> None:
    window, service = make_window(SHOPPING)
    before = tags_of(service)
    rename_in_sidebar(qtbot, window, "shop", "home")
    qtbot.waitUntil(lambda: merge_box() is not None)
    box = merge_box()
    assert "Merge #shop (3 open) into #home (2 open)?" in box.text()
    assert "Ctrl+Z" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert tags_of(service) == {
        "Milk": ("home",),
        "Bread": ("home", "bakery"),
        "Paint": ("home",),
        "Soap": ("home",),  # had both: one tag now
    }
    qtbot.waitUntil(lambda: "shop" not in window.sidebar.tag_names())
    qtbot.waitUntil(lambda: window.sidebar.tag_count_text("home") == "4")

    undo(qtbot, window)
    after = tags_of(service)
    assert {title: set(tags) for title, tags in after.items()} == {
        title: set(tags) for title, tags in before.items()
    }
    qtbot.waitUntil(lambda: window.sidebar.tag_count_text("shop") == "3")
    assert window.sidebar.tag_count_text("home") == "2"


def test_declining_the_merge_changes_nothing(qtbot, make_window) -> None:
    window, service = make_window(SHOPPING)
    before = tags_of(service)
    rename_in_sidebar(qtbot, window, "shop", "Home")
    qtbot.waitUntil(lambda: merge_box() is not None)
    qtbot.keyClick(merge_box(), Qt.Key.Key_Escape)
    settle(qtbot, window)
    assert tags_of(service) == before
    assert window.undo_stack.count() == 0


def test_delete_a_tag_from_the_sidebar_then_undo_puts_it_back(qtbot, make_window) -> None:
    window, service = make_window(SHOPPING)
    window.sidebar.setFocus()
    window.sidebar.choose_tag("shop")
    qtbot.waitUntil(lambda: shown_titles(window) == ["Milk", "Bread", "Soap"])
    key(qtbot, window.sidebar, "Delete")
    settle(qtbot, window)
    assert tags_of(service) == {"Milk": (), "Bread": ("bakery",), "Paint": ("home",), "Soap": ("home",)}
    assert "Ctrl+Z" in window.status.message_label.text()
    qtbot.waitUntil(lambda: window.sidebar.tag_names() == ["bakery", "home"])
    qtbot.waitUntil(lambda: window.status.list_label.toolTip().startswith("Inbox"))  # nothing left to show

    undo(qtbot, window)
    assert {t: set(tags) for t, tags in tags_of(service).items()} == {
        "Milk": {"shop"},
        "Bread": {"shop", "bakery"},
        "Paint": {"home"},
        "Soap": {"home", "shop"},
    }
    qtbot.waitUntil(lambda: window.sidebar.tag_count_text("shop") == "3")


def test_palette_commands_ask_which_tag_when_the_list_shows_none(qtbot, make_window) -> None:
    window, service = make_window(SHOPPING)
    key(qtbot, window.area.table, "Ctrl+K")
    palette = window.command_palette
    qtbot.keyClicks(palette.query, "delete tag")
    assert palette.shown_names()[0] == "Delete Tag"
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    chooser = window.tags.chooser
    qtbot.waitUntil(chooser.isVisible)
    qtbot.keyClicks(chooser.query, "bak")
    assert chooser.shown_names() == ["bakery"]
    qtbot.keyClick(chooser.query, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert tags_of(service)["Bread"] == ("shop",)
    undo(qtbot, window)
    assert tags_of(service)["Bread"] == ("shop", "bakery")


def test_an_edit_queued_behind_a_rename_is_no_conflict(qtbot, make_window) -> None:
    """The rename changes the tasks' versions; an edit sent after it must be based on the new
    ones, not taken for another device's change."""
    window, service = make_window(SHOPPING)
    release = hold_tag_writes(service)
    rename_in_sidebar(qtbot, window, "shop", "groceries")
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    select_rows(window, [0])
    key(qtbot, window.area.table, "3")  # queued behind the rename, before its answer
    assert window.workers.pending_writes == 2
    release.set()
    settle(qtbot, window)
    milk = stored_task(service, window.tasks.model.task_at(0).id)
    assert (milk.tags, milk.priority.value) == (("groceries",), "high")
    assert window.conflicts.dialogs == {}
    assert "another device" not in window.status.message_label.text()


def test_undo_right_after_a_merge_waits_for_it(qtbot, make_window) -> None:
    window, service = make_window(SHOPPING)
    before = {t: set(tags) for t, tags in tags_of(service).items()}
    release = hold_tag_writes(service)
    rename_in_sidebar(qtbot, window, "shop", "home")
    qtbot.waitUntil(lambda: merge_box() is not None)
    qtbot.keyClick(merge_box(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.undo_stack.index() == 1)
    undo_now = window.workers.pending_writes
    assert undo_now == 1  # the merge has not been answered yet
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    key(qtbot, window.area.table, "Ctrl+Z")
    assert window.undo_stack.index() == 0
    release.set()
    settle(qtbot, window)
    assert {t: set(tags) for t, tags in tags_of(service).items()} == before
    qtbot.waitUntil(lambda: window.sidebar.tag_count_text("shop") == "3")


def test_a_refused_rename_puts_the_rows_back_and_says_why(qtbot) -> None:
    service = RefusingTasks()
    for i, draft in enumerate(SHOPPING):  # stored before the window opens; then refused
        MemoryTasks.create(service, replace(draft, due_date=NOW + timedelta(hours=i + 1)))
    window = open_memory_window(qtbot, service)
    service.tag_gate = threading.Event()
    try:
        qtbot.waitUntil(lambda: "shop" in window.sidebar.tag_names())
        rename_in_sidebar(qtbot, window, "shop", "groceries")
        # Shown at once, before the database answers...
        qtbot.waitUntil(lambda: window.tasks.model.task_at(0).tags == ("groceries",))
        assert shown_titles(window) == ["Milk", "Bread", "Soap"]  # the list of #shop
        assert window.tasks.model.task_at(2).tags == ("home", "groceries")
        service.tag_gate.set()
        settle(qtbot, window)
        # ...and put back when it refuses, with the reason.
        assert [t.tags for t in window.tasks.model.tasks()] == [
            ("shop",),
            ("shop", "bakery"),
            ("home", "shop"),
        ]
        assert window.status.message_label.text() == f"Not renamed: {REFUSED}"
        assert window.undo_stack.count() == 0
    finally:
        window.close()
        window.workers.wait_for_all(10_000)


def test_the_details_pane_edits_tags_and_a_wrong_one_gets_one_sentence(qtbot, make_window) -> None:
    window, service = make_window([TaskDraft("Milk", tags=("shop",)), TaskDraft("Other", tags=("dairy",))])
    select_rows(window, [0])
    key(qtbot, window.area.table, "Ctrl+Return")
    pane = window.details
    task_id = pane.task_id
    assert pane.tags_edit.text() == "#shop"
    pane.tags_edit.setFocus()
    pane.tags_edit.end(False)
    qtbot.keyClicks(pane.tags_edit, ", #da")
    popup = window.tags.completers[1].popup  # the Tags field completes tags too
    qtbot.waitUntil(popup.isVisible)
    press_in_list(qtbot, window, popup, "Return")
    assert pane.tags_edit.text() == "#shop, #dairy "
    qtbot.keyClicks(pane.tags_edit, "weekly-shop")  # with or without the #
    qtbot.keyClick(pane.tags_edit, Qt.Key.Key_Return)
    assert window.tasks.model.task(task_id).tags == ("shop", "dairy", "weekly-shop")  # at once
    settle(qtbot, window)
    assert stored_task(service, task_id).tags == ("shop", "dairy", "weekly-shop")
    assert pane.tags_edit.text() == "#shop #dairy #weekly-shop"
    qtbot.waitUntil(lambda: "weekly-shop" in window.sidebar.tag_names())

    pane.tags_edit.setFocus()
    pane.tags_edit.selectAll()
    qtbot.keyClicks(pane.tags_edit, "#shop #1st-floor")
    qtbot.keyClick(pane.tags_edit, Qt.Key.Key_Return)
    assert pane.error("tags") == NOT_A_TAG.format(text="#1st-floor")
    assert pane.tags_edit.text() == "#shop #1st-floor"  # nothing typed is lost
    settle(qtbot, window)
    assert stored_task(service, task_id).tags == ("shop", "dairy", "weekly-shop")

    pane.tags_edit.selectAll()
    qtbot.keyClicks(pane.tags_edit, "#shop #first-floor")
    assert pane.error("tags") == ""
    qtbot.keyClick(pane.tags_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert stored_task(service, task_id).tags == ("shop", "first-floor")
    undo(qtbot, window)
    assert stored_task(service, task_id).tags == ("shop", "dairy", "weekly-shop")
    assert pane.tags_edit.text() == "#shop #dairy #weekly-shop"


def test_an_edit_queued_behind_the_undo_of_a_merge_is_no_conflict(qtbot, make_window) -> None:
    """Undoing a merge takes the target tag off and puts it back: every task that had it
    changes version, not only those that were merged."""
    window, service = make_window(SHOPPING)
    rename_in_sidebar(qtbot, window, "shop", "home")
    qtbot.waitUntil(lambda: merge_box() is not None)
    qtbot.keyClick(merge_box(), Qt.Key.Key_Return)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: shown_titles(window) == ["Milk", "Bread", "Paint", "Soap"])  # the list of #home
    release = hold_tag_writes(service)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    key(qtbot, window.area.table, "Ctrl+Z")
    select_rows(window, [shown_titles(window).index("Paint")])  # had #home before the merge
    key(qtbot, window.area.table, "4")  # queued behind the undo, before its answer
    release.set()
    settle(qtbot, window)
    paint = next(t for t in all_stored(service) if t.title == "Paint")
    assert (paint.tags, paint.priority.value) == (("home",), "urgent")
    assert window.conflicts.dialogs == {}
