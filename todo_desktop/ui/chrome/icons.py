"""The app icon, read from ``resources/`` (from source or from a frozen bundle).

Every PNG size is added, not just the largest: Qt picks the closest size for the title bar,
task switcher and tray, and a 16 px rendering beats a 512 px one scaled down at paint time.
The SVG is the fallback when no PNG is there: Qt's SVG icon engine keeps only one added
pixmap per mode, so mixing the two in one QIcon would lose the PNG sizes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

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


def theme_icon(name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    """A freedesktop theme icon (``"edit-undo"``, ``"list-add"``...) for an action, or the
    style's own picture where the platform has no icon theme (Windows, macOS, bare X11)."""
    app = QApplication.instance()
    style = app.style() if isinstance(app, QApplication) else None
    backup = style.standardIcon(fallback) if style is not None else QIcon()
    return QIcon.fromTheme(name, backup)
