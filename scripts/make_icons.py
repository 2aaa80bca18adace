"""Render the app icon's PNG sizes from its SVG: ``python scripts/make_icons.py`` (repository root).

The PNGs are committed, so neither the app nor the build needs Qt's SVG support to show an
icon; run this again after changing ``resources/icons/todo-desktop.svg``. It writes the
freedesktop layout (``hicolor/<n>x<n>/apps/todo-desktop.png``) that ``todo_desktop.ui.chrome.icons``
loads and that the desktop entry's install snippet copies to ``~/.local/share/icons``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Rendering needs no screen; set before Qt is imported so a headless machine works too.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "todo-desktop.svg"
NAME = "todo-desktop.png"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int, icons: Path = ICONS) -> Path:
    return icons / "hicolor" / f"{size}x{size}" / "apps" / NAME


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG, help="the source SVG")
    parser.add_argument("--out", type=Path, default=ICONS, help="the folder that gets hicolor/")
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(args.svg))
    if not renderer.isValid():
        print(f"Not a valid SVG: {args.svg}", file=sys.stderr)
        return 1
    for size in SIZES:
        target = png_path(size, args.out)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(target)):
            print(f"Could not write {target}", file=sys.stderr)
            return 1
        print(f"{size:>4} px  {target.relative_to(args.out)}")
    del app  # keep the application alive until every image is written
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
