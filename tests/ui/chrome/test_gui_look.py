"""The look: the app icon at every size, accessible names, and readable light and dark palettes."""

from __future__ import annotations

import configparser
import statistics

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel, QWidget

from tests.support.accessible_widgets import is_control, widget_path
from todo_desktop import APP_ID
from todo_desktop.machine.paths import resources_dir
from todo_desktop.ui.chrome.icons import ICON_SIZES, app_icon, app_icon_png, app_icon_svg
from todo_desktop.ui.chrome.theme import (
    OUTLINED_CLASSES,
    Space,
    TextStyle,
    apply_theme,
    contrast_ratio,
    danger_color,
    scaled_font,
    set_text_style,
    theme_of,
)

pytestmark = pytest.mark.gui

Role = QPalette.ColorRole
Group = QPalette.ColorGroup
Scheme = Qt.ColorScheme
AA = 4.5  # WCAG AA for body text
# Pairs of (text, background) a person must be able to read.
READABLE = [
    (Role.WindowText, Role.Window),
    (Role.Text, Role.Base),
    (Role.Text, Role.AlternateBase),
    (Role.ButtonText, Role.Button),
    (Role.HighlightedText, Role.Highlight),
    (Role.PlaceholderText, Role.Base),
    (Role.ToolTipText, Role.ToolTipBase),
    (Role.Link, Role.Base),
]


@pytest.fixture
def restore_look(qapp):
    """The theme changes the whole application; every other test expects it as it was."""
    style, palette, icon = qapp.style().name(), QPalette(qapp.palette()), qapp.windowIcon()
    yield qapp
    theme = theme_of(qapp)
    if theme is not None:
        theme.detach()
    qapp.setStyle(style)
    qapp.setPalette(palette)
    for name in OUTLINED_CLASSES:
        qapp.setPalette(palette, name)
    qapp.setWindowIcon(icon)


# Icons -------------------------------------------------------------------------------------


def test_app_icon_has_every_size(qapp) -> None:
    icon = app_icon()
    assert not icon.isNull()
    available = {(s.width(), s.height()) for s in icon.availableSizes()}
    for size in ICON_SIZES:
        assert (size, size) in available, size
        image = QImage(str(app_icon_png(size)))
        assert image.size() == QSize(size, size), size
        assert image.hasAlphaChannel(), size  # rounded corners, not a white square
        assert icon.pixmap(QSize(size, size)).size() == QSize(size, size)
    assert QSvgRenderer(str(app_icon_svg())).isValid()


def test_desktop_entry_names_the_installed_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(resources_dir() / f"{APP_ID}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Icon"] == APP_ID == app_icon_png(48).stem
    assert desktop["Exec"].split()[0] == APP_ID


def test_apply_theme_sets_the_window_icon(restore_look) -> None:
    apply_theme(restore_look, Scheme.Light)
    assert not restore_look.windowIcon().isNull()
    assert QSize(16, 16) in restore_look.windowIcon().availableSizes()


# Accessible names --------------------------------------------------------------------------


def test_every_interactive_widget_has_an_accessible_name(qtbot, make_window) -> None:
    window, _ = make_window(3)
    window.area.table.selectRow(1)
    qtbot.waitUntil(lambda: window.details.task_id is not None)
    interactive = [w for w in window.findChildren(QWidget) if w.window() is window and is_control(w)]
    assert len(interactive) >= 8  # the walk found the window's fields, not nothing
    missing = [widget_path(w) for w in interactive if not w.accessibleName().strip()]
    assert missing == []


# Palettes ----------------------------------------------------------------------------------


def _check_readable(
    palette: QPalette, surfaces: tuple[Role, ...] = (Role.Base, Role.AlternateBase, Role.Window)
) -> None:
    for text, background in READABLE:
        ratio = contrast_ratio(palette.color(text), palette.color(background))
        assert ratio >= AA, f"{text.name} on {background.name}: {ratio:.2f}"
    # Disabled text is greyed on purpose, but must still be legible (WCAG's 3:1 for large text).
    disabled = palette.color(Group.Disabled, Role.Text)
    assert contrast_ratio(disabled, palette.color(Group.Disabled, Role.Base)) >= 3.0
    for background in surfaces:  # where error text and overdue rows are drawn
        assert contrast_ratio(danger_color(palette), palette.color(background)) >= AA, background.name


@pytest.mark.parametrize("scheme", [Scheme.Light, Scheme.Dark])
def test_both_palettes_are_readable(restore_look, scheme) -> None:
    apply_theme(restore_look, scheme)
    assert restore_look.style().name().lower() == "fusion"
    _check_readable(restore_look.palette())


def test_dark_theme_gives_the_main_window_a_dark_background(qtbot, make_window, restore_look) -> None:
    apply_theme(restore_look, Scheme.Dark)
    window, _ = make_window(3)
    palette = window.palette()
    assert palette.color(Role.Window).lightness() < 64
    assert palette.color(Role.WindowText).lightness() > 192
    assert window.area.table.palette().color(Role.Base).lightness() < 64
    _check_readable(window.area.table.palette(), (Role.Base, Role.AlternateBase))
    image = window.grab().toImage()
    step = max(1, image.width() // 60)
    lightness = [
        image.pixelColor(x, y).lightness()
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    ]
    assert statistics.median(lightness) < 80  # what is drawn is dark, not only the palette


def test_dark_check_boxes_have_a_visible_outline(restore_look) -> None:
    # Fusion outlines check boxes with the Window colour darkened; on the dark Window that
    # would be the Base colour of the box itself, and an unchecked box would vanish.
    apply_theme(restore_look, Scheme.Dark)
    for name in OUTLINED_CLASSES:
        palette = restore_look.palette(name)
        outline = palette.color(Role.Window).darker(128)
        assert contrast_ratio(outline, palette.color(Role.Base)) >= 1.8, name


def test_theme_follows_the_system_scheme_until_pinned(restore_look) -> None:
    apply_theme(restore_look)
    theme = theme_of(restore_look)
    assert theme is not None
    seen: list[Qt.ColorScheme] = []
    theme.changed.connect(seen.append)
    hints = restore_look.styleHints()
    hints.colorSchemeChanged.emit(Scheme.Dark)  # as the platform does when the person switches
    assert theme.scheme == Scheme.Dark and seen == [Scheme.Dark]
    assert restore_look.palette().color(Role.Window).lightness() < 64
    hints.colorSchemeChanged.emit(Scheme.Light)
    assert restore_look.palette().color(Role.Window).lightness() > 192

    apply_theme(restore_look, Scheme.Dark)  # pinned: the system no longer decides
    hints.colorSchemeChanged.emit(Scheme.Light)
    assert theme.scheme == Scheme.Dark
    assert theme_of(restore_look) is theme  # applying again reuses the one theme


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#123456"), QColor("#123456")) == pytest.approx(1.0)


# Type scale and spacing ------------------------------------------------------------------------


def test_the_type_scale_grows_from_the_system_font_and_keeps_its_family(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    base = QFont(parent.font())
    base.setPointSizeF(10)
    parent.setFont(base)
    sizes = {}
    for style in TextStyle:
        label = QLabel("Nothing due today.", parent)
        set_text_style(label, style)
        sizes[style] = label.font().pointSizeF()
    assert (
        sizes[TextStyle.CAPTION] < sizes[TextStyle.BODY] < sizes[TextStyle.SUBTITLE] < sizes[TextStyle.TITLE]
    )
    assert sizes[TextStyle.BODY] == 10
    # Large text (or 2x) in the system font makes every step larger by as much: no fixed sizes.
    large = QWidget()
    qtbot.addWidget(large)
    doubled = QFont(base)
    doubled.setPointSizeF(20)
    large.setFont(doubled)
    title = QLabel("Nothing due today.", large)
    set_text_style(title, TextStyle.TITLE)
    assert title.font().pointSizeF() == pytest.approx(2 * sizes[TextStyle.TITLE])
    assert title.font().bold()
    # Only size and weight are its own: a family the person chooses still reaches it.
    chosen = QFont(doubled)
    chosen.setFamily("Serif")
    large.setFont(chosen)
    assert title.font().family() == large.font().family()
    assert scaled_font(base, TextStyle.CAPTION).pointSizeF() == pytest.approx(10 * TextStyle.CAPTION.factor)


def test_spacing_steps_sit_on_one_grid() -> None:
    steps = [int(space) for space in Space]
    assert steps == sorted(steps) and all(step % 4 == 0 for step in steps)
