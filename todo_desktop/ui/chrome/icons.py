"""The app icon and the glyphs of menus, lists and the tray, read from ``resources/`` (from
source or from a frozen bundle).

Every PNG size of the app icon is added, not just the largest: Qt picks the closest size for
the title bar, task switcher and tray, and a 16 px rendering beats a 512 px one scaled down at
paint time. The SVG is the fallback when no PNG is there: Qt's SVG icon engine keeps only one
added pixmap per mode, so mixing the two in one QIcon would lose the PNG sizes.

The glyphs are the app's own line drawings (``resources/icons/actions``: 24 px grid, 2 px round
strokes, one colour). Each is drawn in the palette's colours, not its own: the text colour,
the disabled text colour, and the highlighted text colour where a menu or list highlights the
row, so they read on light and dark schemes alike. They are drawn once per size, scale and
palette through Qt's SVG image plugin (no QtSvg module to bundle), and kept; painting a menu
or a list row only picks a ready pixmap.
"""

from __future__ import annotations

import enum
import logging
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QSize
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QIcon,
    QImage,
    QImageReader,
    QPainter,
    QPalette,
    QPixmap,
)

from todo_desktop import APP_ID
from todo_desktop.machine.paths import resources_dir

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def icons_dir() -> Path:
    return resources_dir() / "icons"


def app_icon_png(size: int) -> Path:
    """Where the ``size`` px app icon lives (the freedesktop ``hicolor`` layout)."""
    return icons_dir() / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def app_icon_svg() -> Path:
    return icons_dir() / f"{APP_ID}.svg"


def app_icon() -> QIcon:
    """The app icon at every size shipped; an empty QIcon if the resources are missing."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = app_icon_png(size)
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    if icon.isNull() and app_icon_svg().is_file():
        return QIcon(str(app_icon_svg()))
    return icon


# Glyphs ------------------------------------------------------------------------------------

_log = logging.getLogger(__name__)

GLYPH_FOLDER = "actions"
# Logical sizes drawn: menus, lists and the tray use the style's small icon size. Each is drawn
# at every scale of the screens (and 2x, always); another size is scaled from the nearest.
# Each size drawn costs about 0.2 ms per glyph at start-up.
GLYPH_SIZES = (16,)
ICON_SET_OBJECT = "todo-desktop-icon-set"
Mode = QIcon.Mode
Role = QPalette.ColorRole
Group = QPalette.ColorGroup


class Glyph(enum.StrEnum):
    """A line drawing in ``resources/icons/actions``, named by its file."""

    BACKUP = "backup"
    BELL = "bell"
    CALENDAR = "calendar"
    COMMAND = "command"
    COMPLETED = "completed"
    DATABASE = "database"
    DELETE = "delete"
    DETAILS = "details"
    DIAGNOSTICS = "diagnostics"
    EDIT = "edit"
    EXPORT = "export"
    IMPORT = "import"
    INBOX = "inbox"
    KEYBOARD = "keyboard"
    NEW_TASK = "new-task"
    NEXT = "next"
    NOTES = "notes"
    OVERDUE = "overdue"
    PREVIOUS = "previous"
    PRIORITY_HIGH = "priority-high"
    PRIORITY_LOW = "priority-low"
    PRIORITY_MEDIUM = "priority-medium"
    PRIORITY_URGENT = "priority-urgent"
    QUIT = "quit"
    REDO = "redo"
    REFRESH = "refresh"
    REPEAT = "repeat"
    RESTORE = "restore"
    SEARCH = "search"
    SETTINGS = "settings"
    SIGN_IN = "sign-in"
    SIGN_OUT = "sign-out"
    TAG = "tag"
    TODAY = "today"
    UNDO = "undo"
    UPCOMING = "upcoming"
    WINDOW = "window"


def glyph_file(glyph: Glyph) -> Path:
    return icons_dir() / GLYPH_FOLDER / f"{glyph.value}.svg"


def glyph_mask(glyph: Glyph, pixels: int) -> QImage:
    """``glyph`` drawn ``pixels`` wide from its SVG (not scaled from another size: crisp at any
    scale); a null image when the file or Qt's SVG image plugin is missing."""
    reader = QImageReader(str(glyph_file(glyph)), b"svg")
    reader.setScaledSize(QSize(pixels, pixels))
    image = reader.read()
    if image.isNull():
        return image
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def tinted(mask: QImage, color: QColor) -> QPixmap:
    """``mask``'s shape in ``color``: its own colour is dropped, its coverage kept."""
    image = QImage(mask)
    painter = QPainter(image)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), color)
    painter.end()
    return QPixmap.fromImage(image)


def glyph_colors(palette: QPalette) -> dict[QIcon.Mode, QColor]:
    """The colour of each icon mode: Active is a highlighted menu entry, Selected a chosen row,
    both drawn on the highlight colour."""
    highlighted = palette.color(Group.Active, Role.HighlightedText)
    return {
        Mode.Normal: palette.color(Group.Active, Role.Text),
        Mode.Disabled: palette.color(Group.Disabled, Role.Text),
        Mode.Active: highlighted,
        Mode.Selected: highlighted,
    }


def screen_scales() -> frozenset[float]:
    """1x and 2x, and whatever scale each screen has now (1.25, 1.5...)."""
    scales = {1.0, 2.0}
    if isinstance(QGuiApplication.instance(), QGuiApplication):
        scales.update(screen.devicePixelRatio() for screen in QGuiApplication.screens())
    return frozenset(scales)


def glyph_pixel_sizes(scales: frozenset[float]) -> list[int]:
    return sorted({round(size * scale) for size in GLYPH_SIZES for scale in scales})


class IconSet(QObject):
    """The application's glyphs as QIcons in the current palette's colours.

    Owned by the QApplication and found again by ``icon_set``. Actions handed to ``attach``
    get their icon again whenever the theme changes the palette; widgets with icons of their
    own (the sidebar's rows) ask ``icon`` again on their PaletteChange.
    """

    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        self.setObjectName(ICON_SET_OBJECT)
        self._masks: dict[tuple[Glyph, int], QImage] = {}
        self._icons: dict[tuple[Glyph, tuple[int, ...], tuple[int, ...]], QIcon] = {}
        self._attached: list[tuple[QAction, Glyph]] = []
        self._theme: QObject | None = None
        self._drawn_once = False
        self._warned = False

    def _mask(self, glyph: Glyph, pixels: int) -> QImage:
        key = (glyph, pixels)
        if key not in self._masks:
            self._masks[key] = glyph_mask(glyph, pixels)
        return self._masks[key]

    def icon(self, glyph: Glyph) -> QIcon:
        """``glyph`` in the application palette's colours, at every size and scale in use."""
        self._follow_theme()
        colors = glyph_colors(QGuiApplication.palette())
        sizes = glyph_pixel_sizes(screen_scales())
        key = (glyph, tuple(c.rgba() for c in colors.values()), tuple(sizes))
        made = self._icons.get(key)
        if made is None:
            made = self._icons[key] = self._draw(glyph, colors, sizes)
        return made

    def _draw(self, glyph: Glyph, colors: dict[QIcon.Mode, QColor], sizes: list[int]) -> QIcon:
        icon = QIcon()
        for pixels in sizes:
            mask = self._mask(glyph, pixels)
            if mask.isNull():
                # Text stays, so the app works without; but a bundle lacking the plugin is a bug.
                level = logging.DEBUG if self._warned else logging.WARNING
                _log.log(level, "The %s icon could not be drawn: is Qt's SVG image plugin missing?", glyph)
                self._warned = True
                return QIcon()
            drawn: dict[int, QPixmap] = {}  # Active and Selected share a colour
            for mode, color in colors.items():
                if color.rgba() not in drawn:
                    drawn[color.rgba()] = tinted(mask, color)
                icon.addPixmap(drawn[color.rgba()], mode)
        if not self._drawn_once:
            self._drawn_once = True
            _log.info("Icons drawn from SVG (first: %s at %s px)", glyph, sizes)
        return icon

    def attach(self, action: QAction, glyph: Glyph) -> None:
        """Give ``action`` the icon ``glyph``, now and after every change of theme."""
        self._follow_theme()
        self._attached = [(a, g) for a, g in self._attached if shiboken6.isValid(a)]
        self._attached.append((action, glyph))
        action.setIcon(self.icon(glyph))

    def refresh(self, *_args: object) -> None:
        """Draw every attached action's icon again in the palette now set."""
        self._attached = [(a, g) for a, g in self._attached if shiboken6.isValid(a)]
        for action, glyph in self._attached:
            action.setIcon(self.icon(glyph))

    def _follow_theme(self) -> None:
        # Imported here: the theme module imports this one for the app icon.
        from todo_desktop.ui.chrome.theme import theme_of

        app = QGuiApplication.instance()
        theme = theme_of(app) if isinstance(app, QGuiApplication) else None
        if theme is not None and theme is not self._theme:
            # The theme emits after it has set the new palette.
            theme.changed.connect(self.refresh)
            self._theme = theme


def icon_set() -> IconSet:
    """The application's icon set, made on first use (a QGuiApplication must exist)."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("icon_set() needs a QGuiApplication")
    found = app.findChild(IconSet, ICON_SET_OBJECT)
    return found if isinstance(found, IconSet) else IconSet(app)
