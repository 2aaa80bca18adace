"""Smart lists, counts, search, sorting, the command palette, the shortcuts dialog and remembered
window sizes, against a real database."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from tests.support.memory_tasks import NOW
from todo_desktop.core.clock import LocalZone, end_of_day
from todo_desktop.core.values import Priority, SmartList, SortKey, TaskDraft, TaskQuery
from todo_desktop.ui.chrome.command_palette import fuzzy_score
from todo_desktop.ui.tasks.columns import Column

pytestmark = pytest.mark.gui
ZONE = LocalZone()


@pytest.fixture
def seeded(alice_tasks):
    """One task for each list, named after it."""
    drafts = [
        TaskDraft("Late", due_date=NOW - timedelta(days=3)),
        TaskDraft("Tonight", due_date=end_of_day(NOW, ZONE)),
        TaskDraft("Soon", due_date=end_of_day(NOW, ZONE, 2), priority=Priority.HIGH),
        TaskDraft("Done already", completed=True),
        TaskDraft("Fire", priority=Priority.URGENT),
        TaskDraft("Someday", priority=Priority.LOW),
    ]
    return [alice_tasks.create(d) for d in drafts]


EXPECTED = {
    SmartList.INBOX: {"Late", "Tonight", "Soon", "Fire", "Someday"},
    SmartList.TODAY: {"Tonight"},
    SmartList.UPCOMING: {"Soon"},
    SmartList.OVERDUE: {"Late"},
    SmartList.COMPLETED: {"Done already"},
    SmartList.PRIORITY_URGENT: {"Fire"},
    SmartList.PRIORITY_HIGH: {"Soon"},
    SmartList.PRIORITY_MEDIUM: {"Late", "Tonight"},
    SmartList.PRIORITY_LOW: {"Someday"},
}


def test_sidebar_counts_are_live(qtbot, make_window, seeded) -> None:
    window, _ = make_window()
    for smart_list, titles in EXPECTED.items():
        assert window.sidebar.count_text(smart_list) == str(len(titles)), smart_list
    assert window.status.list_label.toolTip() == "Inbox: 5"

    select_rows(window, [shown_titles(window).index("Fire")])
    key(qtbot, window.area.table, "Space")
    qtbot.waitUntil(lambda: window.sidebar.count_text(SmartList.COMPLETED) == "2")
    assert window.sidebar.count_text(SmartList.INBOX) == "4"
    assert window.sidebar.count_text(SmartList.PRIORITY_URGENT) == "0"


def test_ctrl_1_to_6_switch_lists_and_the_menu_shows_which(qtbot, make_window, seeded) -> None:
    window, _ = make_window()
    order = [
        SmartList.INBOX,
        SmartList.TODAY,
        SmartList.UPCOMING,
        SmartList.OVERDUE,
        SmartList.COMPLETED,
        SmartList.PRIORITY_URGENT,
    ]
    for number, smart_list in reversed(list(enumerate(order, start=1))):
        assert window.command_table.lists[smart_list].shortcut().toString() == f"Ctrl+{number}"
        key(qtbot, window.area.table, f"Ctrl+{number}")
        qtbot.waitUntil(lambda s=smart_list: set(shown_titles(window)) == EXPECTED[s])
        assert window.sidebar.currentItem().text(0) == window.command_table.lists[smart_list].text().lstrip(
            "&"
        )
    # The lists beyond six: chosen in the sidebar (or with Ctrl+7 to Ctrl+9).
    window.sidebar.setCurrentItem(window.sidebar.topLevelItem(8))
    qtbot.waitUntil(lambda: set(shown_titles(window)) == EXPECTED[SmartList.PRIORITY_LOW])
    assert window.navigator.sort is SortKey.DUE


def test_quick_add_adds_to_the_list_on_screen(qtbot, make_window, alice_tasks) -> None:
    window, _ = make_window()
    key(qtbot, window.area.table, "Ctrl+2")  # Today
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Water plants")
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar.count_text(SmartList.TODAY) == "1")
    stored = alice_tasks.list(TaskQuery()).tasks[0]
    assert stored.due_date == end_of_day(NOW, ZONE)
    key(qtbot, window.area.quick_add, "Esc")
    key(qtbot, window.area.table, "Ctrl+6")  # Urgent: a new task there is urgent
    qtbot.waitUntil(lambda: shown_titles(window) == [])
    key(qtbot, window.area.table, "Ctrl+N")
    qtbot.keyClicks(window.area.quick_add, "Boiler leaks")
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.sidebar.count_text(SmartList.PRIORITY_URGENT) == "1")


def test_search_is_debounced_runs_in_a_worker_and_esc_clears_it(qtbot, make_window, alice_tasks) -> None:
    for title in ("Buy milk", "Buy bread", "Call mum"):
        alice_tasks.create(TaskDraft(title))
    window, service = make_window()
    key(qtbot, window.area.table, "Ctrl+F")
    assert window.area.search.hasFocus()
    qtbot.keyClicks(window.area.search, "buy")
    assert "buy" not in service.list_texts  # typing goes on: nothing asked yet
    qtbot.waitUntil(lambda: sorted(shown_titles(window)) == ["Buy bread", "Buy milk"])
    assert [t for t in service.list_texts if t] == ["buy"]  # one query, not one per key

    key(qtbot, window.area.search, "Esc")
    assert window.area.search.text() == ""
    assert window.area.table.hasFocus()
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 3)


def test_an_older_search_result_is_dropped(qtbot, make_window, alice_tasks) -> None:
    for title in ("Buy milk", "Buy bread"):
        alice_tasks.create(TaskDraft(title))
    window, service = make_window()
    held = service.list_gates.setdefault("milk", threading.Event())
    window.area.search.setText("milk")
    window.area.search.send_now()
    qtbot.waitUntil(lambda: "milk" in service.list_texts)  # computed, held back on its way
    window.area.search.setText("bread")
    window.area.search.send_now()
    qtbot.waitUntil(lambda: shown_titles(window) == ["Buy bread"])
    with qtbot.waitSignal(window.workers.stale_dropped, timeout=5000):
        held.set()
    assert shown_titles(window) == ["Buy bread"]


def test_sort_menu_and_header_clicks_sort_in_sql(qtbot, make_window, alice_tasks, seeded) -> None:
    window, _ = make_window()
    header = window.area.table.horizontalHeader()
    keys = {
        SortKey.TITLE: "Ctrl+Shift+T",
        SortKey.PRIORITY: "Ctrl+Shift+P",
        SortKey.CREATED: "Ctrl+Shift+C",
        SortKey.UPDATED: "Ctrl+Shift+M",
        SortKey.DUE: "Ctrl+Shift+D",
    }
    for sort, shortcut in keys.items():
        key(qtbot, window.area.table, shortcut)
        expected = [t.title for t in alice_tasks.list(TaskQuery(sort=sort)).tasks]
        qtbot.waitUntil(lambda expected=expected: shown_titles(window) == expected)
        assert window.command_table.sorts[sort].isChecked()

    def click(column: Column) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click(Column.TITLE)
    qtbot.waitUntil(lambda: shown_titles(window) == sorted(EXPECTED[SmartList.INBOX], key=str.lower))
    assert header.sortIndicatorSection() == Column.TITLE
    assert window.command_table.sorts[SortKey.TITLE].isChecked()
    click(Column.DONE)  # no order of its own: nothing changes
    assert window.navigator.sort is SortKey.TITLE
    assert header.sortIndicatorSection() == Column.TITLE


def test_fuzzy_matching_prefers_word_starts() -> None:
    names = ["Toggle Done", "Delete", "Due Today", "Set Due Date"]
    scores = {name: fuzzy_score("tgl dn", name) for name in names}
    assert scores["Toggle Done"] is not None
    assert scores["Delete"] is None
    assert fuzzy_score("dd", "Set Due Date") > fuzzy_score("dd", "Added")  # type: ignore[operator]
    assert fuzzy_score("", "Anything") == 0


def test_command_palette_lists_every_action_and_runs_one_by_fuzzy_name(qtbot, make_window) -> None:
    window, _ = make_window(2)
    select_rows(window, [1])
    key(qtbot, window.area.table, "Ctrl+K")
    palette = window.command_palette
    assert palette.isVisible()
    qtbot.waitUntil(palette.query.hasFocus)
    assert len(palette.shown_names()) == len(window.command_table.commands)
    rows = [palette.results.topLevelItem(i) for i in range(palette.results.topLevelItemCount())]
    shortcuts = {row.text(0): row.text(1) for row in rows}
    assert shortcuts["Quit"] == "Ctrl+Q"

    qtbot.keyClicks(palette.query, "tgl dn")
    assert palette.shown_names()[0] == "Toggle Done"
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert not palette.isVisible()
    qtbot.waitUntil(lambda: window.tasks.model.task_at(1).completed)
    assert not window.tasks.model.task_at(0).completed
    settle(qtbot, window)


def test_f1_and_question_mark_show_every_shortcut(qtbot, make_window) -> None:
    window, _ = make_window()
    key(qtbot, window.area.table, "F1")
    dialog = window.shortcuts
    assert dialog.isVisible()
    rows = dict(dialog.rows())
    assert rows["New Task"] == "Ctrl+N"
    assert rows["Toggle Done"] == "Space"
    assert rows["Keyboard Shortcuts"] == "F1, ?"
    assert rows["Today"] == "Ctrl+2"
    assert "Shift" in rows["Extend the selection"]
    assert len(rows) >= len(window.command_table.commands)
    dialog.reject()

    window.area.quick_add.setFocus()
    qtbot.keyClick(window.area.quick_add, "?")  # typing a question mark is just typing
    assert not dialog.isVisible()
    assert window.area.quick_add.text() == "?"
    window.area.table.setFocus()
    qtbot.keyClick(window.area.table, "?")
    assert dialog.isVisible()


def test_window_size_splitter_and_columns_are_remembered(qtbot, make_window) -> None:
    first, _ = make_window()
    first.resize(720, 480)  # within the offscreen screen (800 x 600), which Qt clamps to
    first.splitter.setSizes([150, 480, 270])
    first.area.table.horizontalHeader().resizeSection(Column.PRIORITY, 123)
    sizes = first.splitter.sizes()
    first.close()

    second, _ = make_window()
    assert (second.width(), second.height()) == (720, 480)
    assert second.splitter.sizes() == sizes
    assert second.area.table.horizontalHeader().sectionSize(Column.PRIORITY) == 123


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset (POSIX)")
def test_local_zone_follows_dst_like_the_tz_database(monkeypatch) -> None:
    try:
        berlin = ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:
        pytest.skip("no time zone database here")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        local = LocalZone()
        # The night clocks go forward (30 March 2025): "tomorrow" is 23 hours away.
        now = datetime(2025, 3, 29, 12, 0, tzinfo=UTC)
        for days in (0, 1, 2):
            assert end_of_day(now, local, days) == end_of_day(now, berlin, days)
        assert now.astimezone(local).utcoffset() == now.astimezone(berlin).utcoffset()
        summer = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
        assert summer.astimezone(local).hour == 14
    finally:
        monkeypatch.undo()
        time.tzset()
