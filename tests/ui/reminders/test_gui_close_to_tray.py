"""Closing the main window keeps the app in the tray only when the person chose that: the
window hides, the app keeps running, the tray says so the first time (and never again, as
the settings remember), its Open brings the window back and its Quit really quits. With
the choice off, closing closes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication

from tests.support.gui_fakes import opener_for
from tests.support.memory_tasks import MemoryTasks
from todo_desktop.core.values import TaskDraft
from todo_desktop.ui.chrome.settings import open_settings
from todo_desktop.ui.main_window import MainWindow
from todo_desktop.ui.reminders.tray import CLOSE_TO_TRAY, HIDDEN_TITLE, TOLD_HIDDEN, Tray

pytestmark = pytest.mark.gui


class Quits:
    """Stands in for the application's quit (which would end the test run's event loop)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@pytest.fixture
def quits(monkeypatch, qapp) -> Quits:
    made = Quits()
    monkeypatch.setattr(qapp, "quit", made)
    return made


@pytest.fixture
def make_window(qtbot, tmp_path, desktop_tray) -> Iterator[Callable[..., MainWindow]]:
    """``make(close_to_tray)``: a shown window on its own tasks, with its tray; every window
    shares one settings file, as two runs of the app do."""
    made: list[MainWindow] = []

    def make(close_to_tray: bool | None = None) -> MainWindow:
        settings = open_settings(tmp_path / "settings.ini")
        if close_to_tray is not None:
            settings.setValue(CLOSE_TO_TRAY, close_to_tray)
        service = MemoryTasks()
        service.create(TaskDraft("Call mum"))
        window = MainWindow(opener_for(service), settings=settings, quit_wait_ms=10_000)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.open_workspace()
        qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
        made.append(window)
        return window

    yield make
    for window in made:
        window.quit_for_real()
        window.workers.wait_for_all(10_000)


def tray_of(window: MainWindow) -> Tray:
    assert window.reminders is not None and window.reminders.parts.tray is not None
    return window.reminders.parts.tray


def record_messages(tray: Tray) -> list[str]:
    """The tray's balloons (offscreen they show nowhere)."""
    said: list[str] = []
    tray.icon.showMessage = lambda title, *_rest: said.append(title)
    return said


def test_closing_goes_to_the_tray_says_so_once_and_open_brings_it_back(qtbot, make_window, quits):
    window = make_window(close_to_tray=True)
    tray = tray_of(window)
    said = record_messages(tray)
    assert not window.close(), "refused: the window only hides"
    assert not window.isVisible()
    assert said == [HIDDEN_TITLE]
    assert not QApplication.quitOnLastWindowClosed(), "the app keeps running in the tray"
    assert quits.calls == 0

    tray.open_action.trigger()
    qtbot.waitUntil(window.isVisible)
    assert QApplication.quitOnLastWindowClosed(), "shown again, closing it is as usual"
    assert window.tasks.model.rowCount() == 1  # the same window, with its list

    assert not window.close()
    assert not window.isVisible()
    assert said == [HIDDEN_TITLE], "said the first time only"

    tray.quit_action.trigger()  # Quit in the tray's menu: the window closes for real
    assert quits.calls == 1
    assert not window.isVisible()


def test_the_first_time_is_remembered_across_runs(qtbot, make_window, quits, tmp_path):
    first = make_window(close_to_tray=True)
    said = record_messages(tray_of(first))
    first.close()
    assert said == [HIDDEN_TITLE]
    tray_of(first).quit_action.trigger()

    second = make_window()  # the next run, on the same settings
    said_again = record_messages(tray_of(second))
    assert not second.close()
    assert not second.isVisible()
    assert said_again == []
    assert open_settings(tmp_path / "settings.ini").value(TOLD_HIDDEN) in (True, "true")


def test_with_the_choice_off_closing_closes(qtbot, make_window, quits):
    window = make_window(close_to_tray=False)
    said = record_messages(tray_of(window))
    assert window.close()
    assert not window.isVisible()
    assert said == []
    assert QApplication.quitOnLastWindowClosed()


def test_the_choice_made_in_the_tray_menu_applies_to_the_open_window(qtbot, make_window, quits):
    window = make_window()
    tray = tray_of(window)
    record_messages(tray)
    assert not tray.close_to_tray_action.isChecked(), "off until the person chooses it"
    tray.close_to_tray_action.trigger()
    assert not window.close()
    assert not window.isVisible()


def test_quit_in_the_tray_with_edits_waiting_offline_asks_with_the_window_then_quits(
    qtbot, make_window, quits, monkeypatch
):
    window = make_window(close_to_tray=True)
    tray = tray_of(window)
    record_messages(tray)
    window.close()
    assert not window.isVisible()
    # Edits wait in the outbox for a database that does not answer: quitting asks first.
    monkeypatch.setattr(window.switch, "kept_offline", lambda: 1)
    asked: list[Callable[[], None]] = []
    window.confirm_quit = lambda _parent, _sentence, leave: asked.append(leave)

    tray.quit_action.trigger()
    assert len(asked) == 1
    assert window.isVisible(), "the question comes with its window, not from a hidden one"

    answers = closes_of(window, monkeypatch)
    asked[0]()  # the person answers Quit: the window closes again, for real this time
    assert answers == [True]
    assert not window.isVisible()
    # The app's usual rule then ends it (its event loop is not running in a test).
    assert QApplication.quitOnLastWindowClosed()


def closes_of(window: MainWindow, monkeypatch) -> list[bool]:
    """What each later ``window.close()`` answers: True when the window really closed."""
    answers: list[bool] = []

    def close() -> bool:
        answers.append(MainWindow.close(window))
        return answers[-1]

    monkeypatch.setattr(window, "close", close)
    return answers


def test_a_session_that_ends_quits_even_when_closing_keeps_the_app_in_the_tray(
    qtbot, make_window, quits, monkeypatch
):
    window = make_window(close_to_tray=True)
    said = record_messages(tray_of(window))
    answers = closes_of(window, monkeypatch)
    window.close_unattended()  # the desktop session ends (or a quit signal came)
    assert answers == [True]
    assert said == []
