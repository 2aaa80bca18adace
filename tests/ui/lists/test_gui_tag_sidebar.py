"""The sidebar's Tags section: tags with their open counts, kept fresh through the workers;
choosing one (in the sidebar, with # in the list or from the Go menu) shows its open tasks
and the status bar names it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.support.gui_fakes import SwitchedTasks, key, open_outbox_window, select_rows, settle, shown_titles
from tests.support.memory_tasks import NOW, MemoryTasks
from tests.support.tag_windows import (
    BACKENDS,
    NO_TAG_METHODS,
    open_memory_window,
    tag_window_maker,
)
from todo_desktop.core.values import SmartList, TaskDraft
from todo_desktop.sync.outbox import DurableTasks
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.lists.sidebar import TAGS_HEADING
from todo_desktop.ui.tags.port import NO_TAGS
from todo_desktop.ui.tags.tag_edits import NEEDS_DATABASE

pytestmark = pytest.mark.gui

SEEDED = [
    TaskDraft("Milk", tags=("shop",)),
    TaskDraft("Paint the fence", tags=("Home",)),
    TaskDraft("Bread", tags=("shop",)),
    TaskDraft("Old receipt", tags=("shop",), completed=True),
    TaskDraft("Call mum"),
]


@pytest.fixture(params=BACKENDS)
def make_window(request, qtbot, tmp_path):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


def test_the_tags_are_listed_under_the_smart_lists_with_open_counts(qtbot, make_window) -> None:
    window, _ = make_window(SEEDED)
    sidebar = window.sidebar
    assert sidebar.tag_names() == ["Home", "shop"]  # as first typed, in order of name
    assert (sidebar.tag_count_text("home"), sidebar.tag_count_text("shop")) == ("1", "2")
    headings = [
        sidebar.topLevelItem(i)
        for i in range(sidebar.topLevelItemCount())
        if sidebar.topLevelItem(i).text(0) == TAGS_HEADING
    ]
    assert len(headings) == 1 and not headings[0].isHidden()
    assert not headings[0].flags() & Qt.ItemFlag.ItemIsSelectable  # the arrows pass over it


def test_choosing_a_tag_shows_only_its_open_tasks_and_the_status_bar_names_it(qtbot, make_window) -> None:
    window, _ = make_window(SEEDED)
    window.sidebar.setFocus()
    window.sidebar.choose_tag("shop")
    qtbot.waitUntil(lambda: shown_titles(window) == ["Milk", "Bread"])
    assert window.status.list_label.toolTip() == "#shop: 2"
    assert window.navigator.query().tag == "shop"

    key(qtbot, window.area.table, "Ctrl+1")  # a smart list again: no tag
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 4)
    assert window.navigator.tag is None
    assert window.status.list_label.toolTip().startswith("Inbox")
    assert window.sidebar.current_tag() is None


def test_the_arrow_keys_walk_from_the_lists_into_the_tags(qtbot, make_window) -> None:
    window, _ = make_window(SEEDED)
    sidebar = window.sidebar
    sidebar.setFocus()
    sidebar.set_current(SmartList.PRIORITY_LOW)  # the last smart list
    key(qtbot, sidebar, "Down")  # over the heading, onto the first tag
    assert sidebar.current_tag() == "Home"
    qtbot.waitUntil(lambda: shown_titles(window) == ["Paint the fence"])
    assert window.status.list_label.toolTip() == "#Home: 1"


def test_hash_in_the_list_opens_a_tag_chooser_and_enter_filters(qtbot, make_window) -> None:
    window, _ = make_window(SEEDED)
    select_rows(window, [0])
    key(qtbot, window.area.table, "#")
    chooser = window.tags.chooser
    qtbot.waitUntil(chooser.query.hasFocus)
    assert chooser.shown_names() == ["Home", "shop"]
    qtbot.keyClicks(chooser.query, "sp")  # loose, like the command palette
    assert chooser.shown_names() == ["shop"]
    qtbot.keyClick(chooser.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown_titles(window) == ["Milk", "Bread"])
    assert not chooser.isVisible()
    assert window.sidebar.current_tag() == "shop"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_the_go_menu_and_ctrl_t_filter_by_tag_too(qtbot, make_window) -> None:
    window, _ = make_window(SEEDED)
    filter_action = window.command_table[CommandId.FILTER_BY_TAG]
    assert filter_action.text() == "Filter by &Tag…"
    go_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Go")
    assert filter_action in go_menu.actions()
    window.area.quick_add.setFocus()
    qtbot.keyClicks(window.area.quick_add, "#")  # in a field, # is just a character
    assert not window.tags.chooser.isVisible()
    key(qtbot, window.area.quick_add, "Ctrl+T")
    qtbot.waitUntil(window.tags.chooser.isVisible)
    qtbot.keyClicks(window.tags.chooser.query, "home")
    qtbot.keyClick(window.tags.chooser.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown_titles(window) == ["Paint the fence"])


def test_counts_follow_edits_and_a_task_added_in_a_tag_list_gets_the_tag(qtbot, make_window) -> None:
    window, _ = make_window(SEEDED)
    window.sidebar.choose_tag("shop")
    qtbot.waitUntil(lambda: shown_titles(window) == ["Milk", "Bread"])
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Eggs")
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    assert shown_titles(window)[0] == "Eggs"
    settle(qtbot, window)
    assert window.tasks.model.task_at(0).tags == ("shop",)
    qtbot.waitUntil(lambda: window.sidebar.tag_count_text("shop") == "3")
    qtbot.waitUntil(lambda: window.status.list_label.toolTip() == "#shop: 3")

    select_rows(window, [shown_titles(window).index("Milk")])
    key(qtbot, window.area.table, "Space")  # done: one open task fewer
    qtbot.waitUntil(lambda: window.sidebar.tag_count_text("shop") == "2")


def test_no_tags_no_heading_and_the_chooser_says_how_to_make_one(qtbot, make_window) -> None:
    window, _ = make_window([TaskDraft("Plain")])
    assert window.sidebar.tag_names() == []
    sidebar = window.sidebar
    heading = next(
        sidebar.topLevelItem(i)
        for i in range(sidebar.topLevelItemCount())
        if sidebar.topLevelItem(i).text(0) == TAGS_HEADING
    )
    assert heading.isHidden()
    window.area.table.setFocus()
    key(qtbot, window.area.table, "#")
    assert not window.tags.chooser.isVisible()
    assert window.status.message_label.text().startswith("No tags yet")


def test_tags_reach_the_window_through_the_apps_outbox(qtbot, tmp_path, alice, alice_tasks) -> None:
    """The app opens every profile behind its durable outbox: the tags must pass through it."""
    if not hasattr(alice_tasks, "tags"):
        pytest.skip(NO_TAG_METHODS)
    if not hasattr(DurableTasks, "tags"):
        pytest.skip("the outbox (sync.outbox.DurableTasks) does not pass the tag methods on yet")
    alice_tasks.create(TaskDraft("Milk", tags=("shop",), due_date=NOW + timedelta(hours=1)))
    window, _durable = open_outbox_window(qtbot, tmp_path, SwitchedTasks(alice_tasks), alice.account)
    try:
        qtbot.waitUntil(lambda: window.sidebar.tag_names() == ["shop"])
        window.sidebar.choose_tag("shop")
        qtbot.waitUntil(lambda: window.status.list_label.toolTip() == "#shop: 1")
        window.tags.rename("shop", "groceries")
        settle(qtbot, window)
        qtbot.waitUntil(lambda: window.sidebar.tag_names() == ["groceries"])
        assert [t.tags for t in alice_tasks.list(window.tasks.query).tasks] == [("groceries",)]
    finally:
        window.close()
        window.workers.wait_for_all(10_000)


def test_while_the_database_is_away_a_rename_waits_and_a_merge_is_refused(
    qtbot, tmp_path, alice, alice_tasks
) -> None:
    if not hasattr(alice_tasks, "tags") or not hasattr(DurableTasks, "tags"):
        pytest.skip("the data layer or its outbox has no tag methods yet")
    for i, draft in enumerate([TaskDraft("Milk", tags=("shop",)), TaskDraft("Paint", tags=("home",))]):
        alice_tasks.create(replace(draft, due_date=NOW + timedelta(hours=i + 1)))
    service = SwitchedTasks(alice_tasks)
    window, durable = open_outbox_window(qtbot, tmp_path, service, alice.account)
    window.tags.confirm = lambda _parent, _question, merge: merge()  # as if Enter in the box
    try:
        qtbot.waitUntil(lambda: window.sidebar.tag_names() == ["home", "shop"])
        service.down.set()
        window.tags.rename("shop", "home")
        settle(qtbot, window)
        assert window.status.message_label.text() == f"Not renamed: {NEEDS_DATABASE}"
        assert [t.tags for t in window.tasks.model.tasks()] == [("shop",), ("home",)]  # put back

        window.tags.rename("shop", "groceries")  # kept in the outbox, shown at once
        settle(qtbot, window)
        assert [t.tags for t in window.tasks.model.tasks()] == [("groceries",), ("home",)]
        assert durable.pending_count() == 1
        service.down.clear()
        qtbot.waitUntil(lambda: durable.pending_count() == 0, timeout=20_000)
        stored = {t.title: t.tags for t in alice_tasks.list(window.tasks.query).tasks}
        assert stored == {"Milk": ("groceries",), "Paint": ("home",)}
    finally:
        window.close()
        window.workers.wait_for_all(10_000)


class WithoutTagMethods(MemoryTasks):
    """A service that has not learnt the tag methods (an older wrapper, say)."""

    tags = rename_tag = delete_tag = restore_tag = None  # type: ignore[assignment]


def test_a_service_without_tag_methods_shows_no_tags_and_changes_none(qtbot) -> None:
    service = WithoutTagMethods()
    MemoryTasks.create(service, TaskDraft("Milk", tags=("shop",), due_date=NOW + timedelta(hours=1)))
    window = open_memory_window(qtbot, service)
    try:
        assert window.tasks.model.task_at(0).tags == ("shop",)  # the chips still show
        assert window.sidebar.tag_names() == []
        window.tags.rename("shop", "groceries")
        assert window.status.message_label.text() == NO_TAGS
        qtbot.waitUntil(lambda: window.undo_stack.count() == 0)  # it never happened
        assert window.tasks.model.task_at(0).tags == ("shop",)
    finally:
        window.close()
        window.workers.wait_for_all(10_000)
