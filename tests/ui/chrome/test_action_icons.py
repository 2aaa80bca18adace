"""The glyphs of menus, lists and the tray: the files, their drawing, their colours, their use."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QImage, QPalette, QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QWidget

from todo_desktop.core.values import SmartList, TagCount
from todo_desktop.ui.chrome import icons as icons_module
from todo_desktop.ui.chrome.icons import (
    GLYPH_FOLDER,
    GLYPH_SIZES,
    Glyph,
    glyph_colors,
    glyph_file,
    glyph_mask,
    glyph_pixel_sizes,
    icon_set,
    icons_dir,
    screen_scales,
    tinted,
)
from todo_desktop.ui.chrome.settings import open_settings
from todo_desktop.ui.chrome.theme import OUTLINED_CLASSES, apply_theme, build_palette, theme_of
from todo_desktop.ui.command_icons import COMMAND_GLYPHS, PRIORITY_GLYPHS, dress_commands
from todo_desktop.ui.command_table import BOUND, CommandId, CommandTable, build_commands
from todo_desktop.ui.lists.sidebar import LIST_GLYPHS, LIST_ORDER, Sidebar
from todo_desktop.ui.reminders.tray import Tray

pytestmark = pytest.mark.gui

Mode = QIcon.Mode
Role = QPalette.ColorRole
Group = QPalette.ColorGroup
Scheme = Qt.ColorScheme
ALLOWED_PAINT = {"#000", "none"}  # one colour, replaced when drawn


@pytest.fixture
def restore_look(qapp) -> Iterator[QApplication]:
    """A theme changes the whole application; every other test expects it as it was."""
    style, palette = qapp.style().name(), QPalette(qapp.palette())
    yield qapp
    theme = theme_of(qapp)
    if theme is not None:
        theme.detach()
    qapp.setStyle(style)
    qapp.setPalette(palette)
    for name in OUTLINED_CLASSES:
        qapp.setPalette(palette, name)


def make_commands(qtbot) -> CommandTable:
    window = QMainWindow()
    qtbot.addWidget(window)
    table_view = QTableView(window)
    run = {command: (lambda: None) for command in BOUND}
    return dress_commands(
        build_commands(
            window, table_view, QUndoStack(window), run, show_list=print, set_sort=print, set_priority=print
        )
    )


@pytest.fixture
def commands(qtbot) -> CommandTable:
    return make_commands(qtbot)


def solid_color(icon: QIcon, mode: QIcon.Mode = Mode.Normal) -> QColor:
    """The colour of the fully covered pixels of ``icon`` (a stroke's middle, not its edge; at
    2x, where a stroke is wider than a pixel)."""
    image = icon.pixmap(QSize(16, 16), 2.0, mode).toImage()
    solid = {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }
    assert len(solid) == 1, solid
    return QColor(solid.pop())


def covered(image: QImage) -> int:
    return sum(
        1 for x in range(image.width()) for y in range(image.height()) if image.pixelColor(x, y).alpha()
    )


# The files --------------------------------------------------------------------------------


def test_every_glyph_has_its_file_and_every_file_is_a_glyph() -> None:
    files = {path.stem for path in (icons_dir() / GLYPH_FOLDER).glob("*.svg")}
    assert files == {glyph.value for glyph in Glyph}
    assert all(glyph_file(glyph).is_file() for glyph in Glyph)


@pytest.mark.parametrize("glyph", list(Glyph))
def test_each_glyph_is_a_small_one_colour_drawing_on_the_24_grid(glyph: Glyph) -> None:
    text = glyph_file(glyph).read_text(encoding="utf-8")
    assert len(text.encode()) < 800  # a line drawing, not an embedded picture
    assert text.startswith("<svg ") and text.rstrip().endswith("</svg>")
    assert 'viewBox="0 0 24 24"' in text
    assert 'stroke-width="2"' in text and 'stroke-linecap="round"' in text
    paints = set(re.findall(r'(?:fill|stroke)="([^"]*)"', text))
    assert paints <= ALLOWED_PAINT, paints
    assert "<image" not in text and "href" not in text


@pytest.mark.parametrize("glyph", list(Glyph))
def test_each_glyph_draws_at_every_size_it_is_shown_at(qapp, glyph: Glyph) -> None:
    for pixels in (16, 24, 32, 48):  # 16 and 24, at 1x and 2x
        mask = glyph_mask(glyph, pixels)
        assert mask.size() == QSize(pixels, pixels), (glyph, pixels)
        ink = covered(mask)
        # Some lines, but not a filled square: the drawing is there and is a drawing.
        assert pixels <= ink < pixels * pixels * 0.75, (glyph, pixels, ink)


# Drawing and colours ----------------------------------------------------------------------


def test_icons_are_drawn_at_twice_the_pixels_for_a_2x_screen(qapp) -> None:
    icon = icon_set().icon(Glyph.NEW_TASK)
    for logical in GLYPH_SIZES:
        pixmap = icon.pixmap(QSize(logical, logical), 2.0)
        assert pixmap.size() == QSize(2 * logical, 2 * logical)
        assert pixmap.devicePixelRatio() == 2.0
        # Drawn at that size from the SVG, not a smaller picture blown up.
        color = glyph_colors(qapp.palette())[Mode.Normal]
        assert pixmap.toImage() == tinted(glyph_mask(Glyph.NEW_TASK, 2 * logical), color).toImage()


def test_a_screen_at_150_percent_gets_its_own_pixels() -> None:
    assert glyph_pixel_sizes(frozenset({1.0, 1.5, 2.0})) == [16, 24, 32]
    assert {1.0, 2.0} <= screen_scales()


@pytest.mark.parametrize("scheme", [Scheme.Light, Scheme.Dark])
def test_icons_take_the_palettes_colours(restore_look, scheme) -> None:
    palette = build_palette(scheme)
    restore_look.setPalette(palette)
    icon = icon_set().icon(Glyph.DELETE)
    assert solid_color(icon) == palette.color(Group.Active, Role.Text)
    assert solid_color(icon, Mode.Disabled) == palette.color(Group.Disabled, Role.Text)
    # On a highlighted menu entry or a chosen row: the highlighted text's colour.
    assert solid_color(icon, Mode.Active) == palette.color(Role.HighlightedText)
    assert solid_color(icon, Mode.Selected) == palette.color(Role.HighlightedText)


def test_icons_are_drawn_once_not_at_every_paint(qtbot, monkeypatch) -> None:
    drawn: list[tuple[Glyph, int]] = []
    real = icons_module.glyph_mask

    def counting(glyph: Glyph, pixels: int) -> QImage:
        drawn.append((glyph, pixels))
        return real(glyph, pixels)

    monkeypatch.setattr(icons_module, "glyph_mask", counting)
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.show()
    sidebar.grab()
    before = len(drawn)
    for _ in range(3):
        sidebar.grab()
        sidebar.set_tags([])
    assert len(drawn) == before
    assert icon_set().icon(Glyph.INBOX) is icon_set().icon(Glyph.INBOX)


def test_without_svg_support_menus_keep_their_words_and_the_log_says_why(qapp, monkeypatch, caplog) -> None:
    # What the frozen bundle's check looks for: a bundle without Qt's SVG plugin draws nothing.
    monkeypatch.setattr(icons_module, "glyph_mask", lambda _glyph, _pixels: QImage())
    set_ = icons_module.IconSet(qapp)
    action = QAction("&Quit")
    try:
        with caplog.at_level(logging.WARNING, logger=icons_module.__name__):
            set_.attach(action, Glyph.QUIT)
        assert action.icon().isNull() and action.text() == "&Quit"
        assert "SVG image plugin" in caplog.text
    finally:
        set_.setParent(None)
        set_.deleteLater()


# Where they are shown ---------------------------------------------------------------------


def test_menu_commands_show_their_glyphs_and_keep_their_words(commands) -> None:
    for command, glyph in COMMAND_GLYPHS.items():
        assert not commands[command].icon().isNull(), (command, glyph)
    for smart_list in LIST_ORDER:
        assert not commands.lists[smart_list].icon().isNull(), smart_list
    for priority in PRIORITY_GLYPHS:
        assert not commands.priorities[priority].icon().isNull(), priority
    # Toggles keep their check mark, and no picture.
    for toggle in (CommandId.SHOW_UPDATED, CommandId.SHOW_CREATED, CommandId.REMIND_AT_DUE):
        assert commands[toggle].isCheckable() and commands[toggle].icon().isNull()
    assert all(a.icon().isNull() for a in commands.sorts.values())
    # Decoration only: the words a screen reader speaks and the keys are as they were.
    assert commands[CommandId.NEW_TASK].text() == "&New Task"
    assert commands[CommandId.DELETE].text() == "&Delete"
    assert commands.lists[SmartList.TODAY].text() == "&Today"
    assert "Ctrl+N" in commands[CommandId.NEW_TASK].shortcut().toString()
    assert [c.name for c in commands.commands][:2] == ["Connections", "Import"]


def test_the_sidebar_rows_show_their_glyphs(qtbot) -> None:
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.set_tags([TagCount("family", 2)])
    rows = [sidebar.topLevelItem(i) for i in range(sidebar.topLevelItemCount())]
    shown = [r for r in rows if r is not None and not r.isHidden()]
    lists = shown[: len(LIST_ORDER)]
    assert [r.text(0) for r in lists][:2] == ["Inbox", "Today"]
    assert all(not r.icon(0).isNull() for r in lists)
    assert set(LIST_GLYPHS) == set(LIST_ORDER)
    tag = shown[-1]
    assert tag.text(0) == "#family" and not tag.icon(0).isNull()
    heading = shown[-2]
    assert heading.text(0) == "Tags" and heading.icon(0).isNull()  # a heading, not a place to go


def test_the_tray_menu_shows_glyphs_beside_its_words(qtbot, tmp_path) -> None:
    tray = Tray(QIcon(), open_settings(tmp_path / "settings.ini"))
    try:
        plain = [a for a in tray.menu.actions() if not a.isSeparator()]
        with_icons = [a.text() for a in plain if not a.icon().isNull()]
        assert with_icons == ["Quick Add…", "Open Todo Desktop", "Nothing due today", "Quit"]
        assert all(a.icon().isNull() for a in plain if a.isCheckable())
    finally:
        tray.deleteLater()


def test_a_change_of_theme_redraws_menus_and_sidebar(qtbot, restore_look) -> None:
    apply_theme(restore_look, Scheme.Light)  # as the app does, before any window
    commands = make_commands(qtbot)
    holder = QWidget()  # in a window, as in the app: Qt tells children of a new palette
    qtbot.addWidget(holder)
    sidebar = Sidebar(holder)
    light = build_palette(Scheme.Light).color(Role.Text)
    dark = build_palette(Scheme.Dark).color(Role.Text)
    new_task = commands[CommandId.NEW_TASK]
    inbox = sidebar.topLevelItem(0)
    assert inbox is not None
    assert solid_color(new_task.icon()) == light
    assert solid_color(inbox.icon(0)) == light

    apply_theme(restore_look, Scheme.Dark)
    assert solid_color(new_task.icon()) == dark
    assert solid_color(inbox.icon(0)) == dark
    assert solid_color(commands.lists[SmartList.INBOX].icon()) == dark
