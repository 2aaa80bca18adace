"""A long outage keeps one steady banner: background retries do not flip it back to
"Waking…", and the banner changing its line never moves the task list.

The reachability rules are plain Python; the banner is tested as a widget, and then in a
real window on a real database behind the fault proxy."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest

from tests.support.faultproxy import FaultProxy, proxied_url
from tests.support.gui_fakes import open_window
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SignedIn, TaskDraft
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.ui.chrome.banner import UNREACHABLE, WAKING
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.tasks.area import TaskArea
from todo_desktop.ui.tasks.table_model import TaskTableModel


class GaveUp(Exception):
    pass


class Refused(Exception):
    pass


def _gives_up(reachability: Reachability) -> None:
    with contextlib.suppress(GaveUp), reachability.operation() as waiting:
        waiting()
        raise GaveUp


# Reachability ---------------------------------------------------------------------------


def test_a_retry_during_an_outage_is_not_called_waking():
    reachability = Reachability()
    news: list[bool] = []
    reachability.listen(news.append)

    with reachability.operation() as waiting:
        waiting()
        assert reachability.waking  # the first wait: perhaps a compute waking up
    assert news == [True, False]
    assert not reachability.waking

    _gives_up(reachability)  # waited, then gave up: an outage
    assert news == [True, False, True, False]
    assert not reachability.waking

    with reachability.operation() as waiting:  # a background retry during the outage
        waiting()
        assert not reachability.waking
        assert news == [True, False, True, False]
    assert not reachability.waking


def test_the_outage_lasts_until_an_operation_is_answered():
    reachability = Reachability()
    _gives_up(reachability)
    assert reachability.unreachable
    with contextlib.suppress(Refused), reachability.operation():
        raise Refused("an answer from the database, without waiting: says nothing")
    assert reachability.unreachable
    _gives_up(reachability)
    assert reachability.unreachable

    with reachability.operation():
        pass  # the database answered
    assert not reachability.unreachable
    with reachability.operation() as waiting:  # a later wait is a wake-up again
        waiting()
        assert reachability.waking


def test_an_outage_begins_when_one_wait_gives_up_though_another_still_waits():
    reachability = Reachability()
    news: list[bool] = []
    reachability.listen(news.append)
    inside = threading.Event()
    leave = threading.Event()

    def other() -> None:
        with contextlib.suppress(GaveUp), reachability.operation() as waiting:
            waiting()
            inside.set()
            leave.wait(5)
            raise GaveUp

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    _gives_up(reachability)
    assert not reachability.waking and reachability.unreachable
    leave.set()
    thread.join(5)
    assert news == [True, False]  # once "waking", once not: the second gave up quietly
    assert not reachability.waking and reachability.unreachable


# The banner -----------------------------------------------------------------------------


def test_the_banner_keeps_its_height_whichever_line_it_shows(qtbot):
    area = TaskArea(TaskTableModel(lambda: None))
    qtbot.addWidget(area)
    area.resize(1000, 500)
    area.show()
    qtbot.waitExposed(area)
    # Most desktop styles draw a button taller than one line of text.
    area.banner.button.setMinimumHeight(area.banner.label.sizeHint().height() + 16)

    area.banner.show_unreachable()
    qtbot.wait(20)
    list_top = area.stack.mapTo(area, area.stack.rect().topLeft()).y()
    for show in (area.banner.show_waking, area.banner.show_unreachable, area.banner.show_waking):
        show()
        qtbot.wait(20)
        assert area.stack.mapTo(area, area.stack.rect().topLeft()).y() == list_top


# In the window --------------------------------------------------------------------------


@pytest.fixture
def proxied_window(qtbot, tmp_path, test_db, proxy: FaultProxy, alice: SignedIn) -> Iterator[MainWindow]:
    target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
    reachability = Reachability()
    db = Database(create_db_engine(target), target, retry_budget=0.6, reachability=reachability)
    tasks = TaskRepository(db, alice.token)
    tasks.create(TaskDraft(title="Already there"))
    window = open_window(
        qtbot, tmp_path / "window.ini", tasks, alice.account, reachability=reachability, retry_first_ms=100
    )
    yield window
    window.close()
    window.workers.wait_for_all(10_000)
    db.dispose()


@pytest.mark.gui
@pytest.mark.timeout(60)
def test_background_retries_during_an_outage_leave_the_banner_and_the_list_alone(
    qtbot, proxied_window: MainWindow, proxy: FaultProxy
):
    window = proxied_window
    proxy.refuse()
    proxy.cut()
    window.refresh()
    qtbot.waitUntil(
        lambda: window.area.banner.isVisible() and window.area.banner.text == UNREACHABLE, timeout=10_000
    )
    list_top = window.area.stack.mapTo(window, window.area.stack.rect().topLeft()).y()

    seen: list[tuple[str, int]] = []

    def record() -> None:
        text = window.area.banner.text if window.area.banner.isVisible() else ""
        top = window.area.stack.mapTo(window, window.area.stack.rect().topLeft()).y()
        if not seen or seen[-1] != (text, top):
            seen.append((text, top))

    # After the window's own handlers: what a person sees once each piece of news is in.
    window.waking._changed.connect(record)
    window.workers.unavailable.connect(lambda _message: record())
    window.workers.reachable.connect(record)
    attempts = proxy.refused
    # Retries every 100 ms, doubling: several background tries wait and give up meanwhile.
    qtbot.waitUntil(lambda: proxy.refused >= attempts + 6, timeout=20_000)
    qtbot.wait(200)
    record()
    assert {text for text, _ in seen} == {UNREACHABLE}, seen
    assert WAKING not in [text for text, _ in seen]
    assert {top for _, top in seen} == {list_top}
