"""The look: Fusion with a light or dark palette that follows the system's colour scheme.

Fusion looks the same on every platform and honours every palette role, so one pair of
palettes gives a readable window everywhere (native styles ignore parts of a custom palette,
and some never go dark). The palettes are set explicitly rather than taken from the platform:
an offscreen or minimal platform reports no scheme at all, and a half-dark platform palette is
worse than either. Nothing here picks a size of its own: the type scale multiplies the system's
font, so 200% scaling and large-text settings reach every widget unchanged.

The type scale and the spacing steps live here, once, so every pane speaks the same sizes.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLayout, QWidget

from todo_desktop.ui.chrome.icons import app_icon

Role = QPalette.ColorRole
Group = QPalette.ColorGroup
Scheme = Qt.ColorScheme

STYLE = "Fusion"
THEME_OBJECT = "todo-desktop-theme"

# Text on its background is at least 4.5:1 (WCAG AA) in both palettes; tests/ui/chrome/test_gui_look.py
# checks it. Highlight is one blue for both, dark enough for white text on it.
_HIGHLIGHT = "#2f6fd0"
LIGHT: dict[Role, str] = {
    Role.Window: "#f2f2f3",
    Role.WindowText: "#1d1f22",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f4f5f7",
    Role.Text: "#1d1f22",
    Role.Button: "#f0f0f1",
    Role.ButtonText: "#1d1f22",
    Role.BrightText: "#ffffff",
    Role.ToolTipBase: "#ffffff",
    Role.ToolTipText: "#1d1f22",
    Role.PlaceholderText: "#6b7078",
    Role.Highlight: _HIGHLIGHT,
    Role.HighlightedText: "#ffffff",
    Role.Link: "#1a5fc7",
    Role.LinkVisited: "#7b3fc4",
    Role.Light: "#ffffff",
    Role.Midlight: "#e3e3e5",
    Role.Mid: "#b8b9bd",
    Role.Dark: "#9fa0a4",
    Role.Shadow: "#6e6f72",
}
DARK: dict[Role, str] = {
    Role.Window: "#2b2d31",
    Role.WindowText: "#e8eaed",
    Role.Base: "#1f2023",
    Role.AlternateBase: "#26282c",
    Role.Text: "#e8eaed",
    Role.Button: "#35373c",
    Role.ButtonText: "#e8eaed",
    Role.BrightText: "#ffffff",
    Role.ToolTipBase: "#3a3d42",
    Role.ToolTipText: "#f1f3f4",
    Role.PlaceholderText: "#9aa0a6",
    Role.Highlight: _HIGHLIGHT,
    Role.HighlightedText: "#ffffff",
    Role.Link: "#8ab4f8",
    Role.LinkVisited: "#c58af9",
    Role.Light: "#4a4d53",
    Role.Midlight: "#3d4045",
    Role.Mid: "#26282b",
    Role.Dark: "#18191c",
    Role.Shadow: "#0b0c0d",
}
# Greyed out, but still legible: a disabled field's text must be readable to know why it is off.
DISABLED_LIGHT: dict[Role, str] = {
    Role.WindowText: "#8b8e94",
    Role.Text: "#8b8e94",
    Role.ButtonText: "#8b8e94",
    Role.Base: "#f6f6f7",
    Role.Highlight: "#c9cbd0",
    Role.HighlightedText: "#4a4d52",
}
DISABLED_DARK: dict[Role, str] = {
    Role.WindowText: "#80858c",
    Role.Text: "#80858c",
    Role.ButtonText: "#80858c",
    Role.Base: "#26272a",
    Role.Highlight: "#45484e",
    Role.HighlightedText: "#b0b4ba",
}
# Fusion outlines check boxes, fields and views in the Window colour darkened by about a
# quarter, and fills them with Base: on a dark palette both come out the same near-black, so
# an unchecked box vanishes and fields have no edge. These classes get a lighter Window so the
# outline shows; none paints its background with it (fields and rows use Base), and it is
# still dark enough for WindowText on it to pass the same 4.5:1 as everywhere else.
OUTLINED_CLASSES = ("QCheckBox", "QLineEdit", "QAbstractSpinBox", "QComboBox", "QAbstractScrollArea")
DARK_OUTLINE_WINDOW = "#63676d"
# Red for errors and overdue marks, one per palette: a single red cannot be readable on both.
DANGER_LIGHT = "#c4262e"
DANGER_DARK = "#ff7b72"


class TextStyle(enum.Enum):
    """The type scale: each step a factor of the system's font, never a size of its own.

    Few steps, far enough apart to tell at a glance (about 1.2 each); everything else is body.
    """

    CAPTION = (0.9, False)  # hints, counts, quiet notes
    BODY = (1.0, False)
    SUBTITLE = (1.15, True)  # a pane's heading: the task shown
    TITLE = (1.4, True)  # the one sentence of an empty list or pane

    @property
    def factor(self) -> float:
        return self.value[0]

    @property
    def bold(self) -> bool:
        return self.value[1]


class Space(enum.IntEnum):
    """Spacing in device-independent pixels, on a 4-pixel grid (Qt scales them with the screen)."""

    TIGHT = 4  # between a field and its own note
    SMALL = 8  # between controls in a row
    MEDIUM = 12  # a pane's margins
    LARGE = 24  # between a headline and what follows it


def _scale(font: QFont, base: QFont, factor: float) -> None:
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * factor)
    else:  # a pixel-sized system font: scale it in its own unit
        font.setPixelSize(max(1, round(base.pixelSize() * factor)))


def scaled_font(base: QFont, style: TextStyle) -> QFont:
    """``base`` at the step ``style`` of the scale (for painting): its family and the rest kept."""
    font = QFont(base)
    if style.factor != 1.0:
        _scale(font, base, style.factor)
    font.setBold(style.bold or base.bold())
    return font


def set_text_style(widget: QWidget, style: TextStyle) -> None:
    """Give ``widget`` the size and weight of ``style``, measured from the font it inherits.

    Only those two are set: the family and the rest still follow the parent and the system.
    """
    if style is TextStyle.BODY:
        widget.setFont(QFont())  # nothing of its own: exactly what it inherits
        return
    parent = widget.parentWidget()
    base = parent.font() if parent is not None else QGuiApplication.font()
    font = QFont()
    _scale(font, base, style.factor)
    if style.bold:
        font.setBold(True)
    widget.setFont(font)


def quiet(label: QLabel) -> None:
    """Placeholder grey: a note, not a dialog demanding attention (readable: 4.5:1, see LIGHT)."""
    label.setForegroundRole(Role.PlaceholderText)


def pane_margins(layout: QLayout) -> None:
    """The margins and spacing every pane uses."""
    layout.setContentsMargins(Space.MEDIUM, Space.MEDIUM, Space.MEDIUM, Space.MEDIUM)
    layout.setSpacing(Space.SMALL)


def relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, from 1 (same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_dark(palette: QPalette) -> bool:
    return palette.color(Role.Window).lightness() < 128


def danger_color(palette: QPalette) -> QColor:
    """A red readable on ``palette``'s Base and Window, for error text and overdue rows."""
    return QColor(DANGER_DARK if is_dark(palette) else DANGER_LIGHT)


def build_palette(scheme: Scheme) -> QPalette:
    """The palette for ``scheme``; anything but Dark gets the light one."""
    dark = scheme == Scheme.Dark
    palette = QPalette()
    for role, color in (DARK if dark else LIGHT).items():
        palette.setColor(role, QColor(color))  # every group: selections stay visible when inactive
    for role, color in (DISABLED_DARK if dark else DISABLED_LIGHT).items():
        palette.setColor(Group.Disabled, role, QColor(color))
    # Accent (Qt 6.6+) colours focus frames and checked boxes in Fusion; keep it the highlight.
    palette.setColor(Role.Accent, QColor(_HIGHLIGHT))
    return palette


class Theme(QObject):
    """Keeps the application's palette in step with the colour scheme.

    Owned by the QApplication (so it lives exactly as long), found again by ``theme_of``.
    ``forced`` pins a scheme (``--dark`` screenshots, tests); None follows the system.
    """

    changed = Signal(object)  # the Qt.ColorScheme now shown

    def __init__(self, app: QApplication, forced: Scheme | None = None) -> None:
        super().__init__(app)
        self.setObjectName(THEME_OBJECT)
        self._app = app
        self._forced = forced
        # What the platform offered before we replaced it: the only clue to the scheme on
        # platforms that report none (Unknown), since afterwards app.palette() is ours.
        self._platform_dark = is_dark(app.palette())
        self.scheme = Scheme.Unknown  # nothing shown yet; the first apply says which
        app.styleHints().colorSchemeChanged.connect(self._system_changed)

    @property
    def forced(self) -> Scheme | None:
        return self._forced

    def system_scheme(self) -> Scheme:
        reported = self._app.styleHints().colorScheme()
        if reported != Scheme.Unknown:
            return reported
        return Scheme.Dark if self._platform_dark else Scheme.Light

    def force(self, scheme: Scheme | None) -> None:
        """Pin ``scheme``, or follow the system again with None."""
        hints = self._app.styleHints()
        was_forced, self._forced = self._forced is not None, scheme
        # Also tell the platform (Qt 6.8+), so native title bars and dialogs match.
        if scheme is not None and hasattr(hints, "setColorScheme"):
            hints.setColorScheme(scheme)
        elif scheme is None and was_forced and hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        self.apply()

    def apply(self, reported: Scheme = Scheme.Unknown) -> None:
        """Show the pinned scheme, else ``reported`` (from a change signal), else the system's."""
        if self._forced is not None:
            scheme = self._forced
        else:
            scheme = reported if reported != Scheme.Unknown else self.system_scheme()
        if scheme == Scheme.Unknown:
            scheme = Scheme.Light
        if self._app.style().name().lower() != STYLE.lower():
            self._app.setStyle(STYLE)  # before the palette: a new style resets an unset palette
        palette = build_palette(scheme)
        self._app.setPalette(palette)
        outlined = QPalette(palette)
        if scheme == Scheme.Dark:
            outlined.setColor(Role.Window, QColor(DARK_OUTLINE_WINDOW))
        for name in OUTLINED_CLASSES:
            # A str: PySide6 6.11 refuses the bytes its own stubs ask for.
            self._app.setPalette(outlined, name)  # type: ignore[arg-type]
        if scheme != self.scheme:
            self.scheme = scheme
            self.changed.emit(scheme)

    def detach(self) -> None:
        """Stop following the system (the palette stays); ``theme_of`` no longer finds this."""
        self._app.styleHints().colorSchemeChanged.disconnect(self._system_changed)
        self.setParent(None)

    def _system_changed(self, scheme: Scheme) -> None:
        # The signal's value, not colorScheme(): some platforms signal before they update it.
        if self._forced is None:
            self.apply(scheme)


def theme_of(app: QGuiApplication) -> Theme | None:
    found = app.findChild(QObject, THEME_OBJECT)
    return found if isinstance(found, Theme) else None


def apply_theme(app: QApplication, scheme: Scheme | None = None) -> None:
    """Fusion, the palette for the system's scheme (or ``scheme``, if given), and the app icon.

    Call once, after the QApplication exists and before the first window is shown; later
    calls just change the pinned scheme.
    """
    app.setWindowIcon(app_icon())
    theme = theme_of(app) or Theme(app)
    theme.force(scheme)


def error_style(*, bold: bool = False) -> str:
    """Style sheet for one-sentence error or warning text, readable in the scheme in use."""
    color = danger_color(QGuiApplication.palette()).name()
    return f"color: {color}; font-weight: bold" if bold else f"color: {color}"
