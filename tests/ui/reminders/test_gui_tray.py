"""The tray icon: its menu, today's count, and closing to the tray only when chosen."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from todo_desktop.machine.autostart import Autostart
from todo_desktop.ui.chrome.settings import open_settings
from todo_desktop.ui.reminders.tray import CLOSE_TO_TRAY, HIDDEN_TITLE, Tray, tray_if_available

pytestmark = pytest.mark.gui


class RecordingTray(Tray):
    """Keeps its balloons: offscreen there is no tray to show them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.messages: list[str] = []
        self.icon.showMessage = lambda title, *_rest: self.messages.append(title)


@pytest.fixture
def settings(tmp_path):
    return open_settings(tmp_path / "settings.ini")


@pytest.fixture
def tray(qtbot, settings, tmp_path) -> RecordingTray:
    autostart = Autostart(["/opt/todo"], environ={"XDG_CONFIG_HOME": str(tmp_path)}, platform="linux")
    made = RecordingTray(QIcon(), settings, autostart)
    made.icon.setVisible(True)  # as if the desktop had a tray (offscreen has none)
    return made


def texts(tray: Tray) -> list[str]:
    return [a.text() for a in tray.menu.actions() if not a.isSeparator()]


def test_the_menu_offers_quick_add_open_todays_count_and_quit(qtbot, tray):
    assert texts(tray) == [
        "Quick Add…",
        "Open Todo Desktop",
        "Nothing due today",
        "Keep Running in the Tray When Closed",
        "Start at Login",
        "Quit",
    ]
    assert not tray.today_action.isEnabled()  # a line to read, not a command
    for action, signal in (
        (tray.quick_add_action, tray.quick_add_requested),
        (tray.open_action, tray.open_requested),
        (tray.quit_action, tray.quit_requested),
    ):
        with qtbot.waitSignal(signal, timeout=1000):
            action.trigger()


def test_todays_count_is_a_sentence(tray):
    tray.set_today_count(5)
    assert tray.today_action.text() == "5 due today"
    assert tray.icon.toolTip() == "Todo Desktop: 5 due today"
    tray.set_today_count(0)
    assert tray.today_action.text() == "Nothing due today"


def test_a_click_on_the_icon_opens_the_window(qtbot, tray):
    with qtbot.waitSignal(tray.open_requested, timeout=1000):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    with qtbot.assertNotEmitted(tray.open_requested):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)  # the menu opens instead


def test_closing_hides_to_the_tray_only_when_chosen(tray, settings):
    assert not tray.should_hide_on_close(), "off until the person chooses it"
    tray.close_to_tray_action.setChecked(True)
    assert tray.should_hide_on_close()
    assert settings.value(CLOSE_TO_TRAY) in (True, "true")
    tray.icon.setVisible(False)  # the tray went away (say, the panel restarted)
    assert not tray.should_hide_on_close(), "a hidden window with no icon could never come back"


def test_the_choice_is_remembered(qtbot, tray, settings):
    tray.close_to_tray_action.setChecked(True)
    again = Tray(QIcon(), settings)
    assert again.close_to_tray_action.isChecked()


def test_the_first_hide_is_said_once(tray, settings):
    tray.note_hidden()
    tray.note_hidden()
    assert tray.messages == [HIDDEN_TITLE]
    later = RecordingTray(QIcon(), settings)  # the next run remembers it was said
    later.note_hidden()
    assert later.messages == []


def test_start_at_login_writes_the_autostart_entry(tray, tmp_path):
    entry = tmp_path / "autostart" / "todo-desktop.desktop"
    tray.start_at_login_action.setChecked(True)
    assert entry.is_file()
    tray.start_at_login_action.setChecked(False)
    assert not entry.exists()


def test_start_at_login_refused_is_one_sentence_and_unticks(qtbot, settings, tmp_path):
    autostart = Autostart(["x"], environ={"XDG_CONFIG_HOME": str(tmp_path)}, platform="linux")
    (tmp_path / "autostart").write_text("a file where the folder should be")
    tray = Tray(QIcon(), settings, autostart)
    with qtbot.waitSignal(tray.said, timeout=1000) as said:
        tray.start_at_login_action.setChecked(True)
    assert said.args[0].startswith("Could not set up starting at login")
    assert not tray.start_at_login_action.isChecked()


def test_start_at_login_is_not_offered_where_it_is_not_available(qtbot, settings):
    tray = Tray(QIcon(), settings, Autostart(["x"], platform="win32"))
    assert not tray.start_at_login_action.isVisible()


def test_no_system_tray_no_icon(qtbot, settings):
    if QSystemTrayIcon.isSystemTrayAvailable():
        pytest.skip("this display has a system tray")
    assert tray_if_available(QIcon(), settings) is None
