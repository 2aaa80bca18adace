"""The window says "Waking the database…" while the data layer waits for a connection.

A real window on a real TaskRepository whose connections go through the fault proxy: the
proxy refusing connections stands in for a suspended Neon compute that is waking.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt

from tests.support.faultproxy import FaultProxy, proxied_url
from tests.support.gui_fakes import open_window, shown_titles
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SignedIn, TaskDraft
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.chrome.banner import UNREACHABLE, WAKING
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


@pytest.fixture
def proxied_window(
    qtbot, tmp_path, test_db, proxy: FaultProxy, alice: SignedIn
) -> Iterator[Callable[[float], tuple[MainWindow, TaskRepository]]]:
    """``make(retry_budget)``: a window on Alice's tasks, every connection through the proxy."""
    made: list[tuple[MainWindow, Database]] = []

    def make(retry_budget: float) -> tuple[MainWindow, TaskRepository]:
        target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
        reachability = Reachability()
        db = Database(create_db_engine(target), target, retry_budget=retry_budget, reachability=reachability)
        tasks = TaskRepository(db, alice.token)
        tasks.create(TaskDraft(title="Already there"))
        window = open_window(qtbot, tmp_path / "window.ini", tasks, alice.account, reachability=reachability)
        made.append((window, db))
        return window, tasks

    yield make
    for window, db in made:
        window.close()
        window.workers.wait_for_all(10_000)
        db.dispose()


def _banner_texts(window: MainWindow) -> list[str]:
    """Every text the banner shows from now on, in order (recorded as it changes)."""
    seen: list[str] = []

    def record() -> None:
        text = window.area.banner.text if window.area.banner.isVisible() else ""
        if not seen or seen[-1] != text:
            seen.append(text)

    window.waking._changed.connect(record)
    window.workers.unavailable.connect(lambda _m: record())
    window.workers.reachable.connect(record)
    return seen


@pytest.mark.parametrize("wakes_by", ["refusing", "holding the connection"])
def test_a_waking_database_is_named_and_the_list_loads_without_a_restart(
    qtbot, proxied_window, proxy, wakes_by
):
    """Either way a compute may wake: refusing connections until it runs, or (as Neon's
    proxy does) accepting at once and holding the connection until it runs."""
    window, _tasks = proxied_window(8.0)
    assert not window.area.banner.isVisible()
    texts = _banner_texts(window)
    if wakes_by == "refusing":
        proxy.refuse()
        awake = threading.Timer(2.5, proxy.passthrough)
    else:
        proxy.stall(2.5)
        awake = threading.Timer(3.0, proxy.passthrough)
    proxy.cut()  # the pooled connections die too, as when a compute suspends
    awake.start()
    try:
        window.refresh()
        qtbot.waitUntil(lambda: window.area.banner.waking, timeout=5_000)
        assert window.area.banner.text == WAKING
        assert not window.area.banner.button.isVisible()  # nothing to press: it is already retrying
        qtbot.waitUntil(lambda: not window.area.banner.isVisible(), timeout=15_000)
    finally:
        awake.cancel()
    assert proxy.refused >= 1 or wakes_by != "refusing"
    assert UNREACHABLE not in texts  # it woke within the budget: never called an outage
    assert not window.retry.waiting
    assert shown_titles(window) == ["Already there"]
    assert window.area.stack.currentWidget() is window.area.table


def test_a_database_that_never_wakes_becomes_an_outage_with_a_retry_button(qtbot, proxied_window, proxy):
    window, _tasks = proxied_window(1.5)
    proxy.refuse()
    proxy.cut()
    window.refresh()
    qtbot.waitUntil(lambda: window.area.banner.waking, timeout=5_000)
    qtbot.waitUntil(lambda: window.area.banner.text == UNREACHABLE, timeout=10_000)
    assert window.area.banner.isVisible() and window.area.banner.button.isVisible()
    # The backoff timer keeps trying by itself; it starts when the failed read is delivered,
    # which may come a moment after the data layer has said it gave up.
    qtbot.waitUntil(lambda: window.retry.waiting, timeout=5_000)
    proxy.passthrough()
    qtbot.mouseClick(window.area.banner.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.area.banner.isVisible(), timeout=10_000)
    assert not window.retry.waiting
