"""The title cell: the title, with the words of a search marked, then the task's tags as
chips and marks when it repeats and when it has notes.

Painted, never widgets per row: only the rows on screen are drawn, and a row without tags
or a mark is left to the stock delegate untouched. The same few tags show on row after
row, so each chip (and the mark) is drawn once per colour and font into a pixmap, and a
repaint only copies pixmaps; chip widths are measured once per set of tags, and a title's
fit to its room once per title, font and room (``tests.bench.paint`` times it all). What
the chips and the mark say is in the row's tooltip and accessible description too, in words.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from todo_desktop.core.search_terms import folded
from todo_desktop.core.values import Task
from todo_desktop.ui.tasks.section_rows import RowDelegate
from todo_desktop.ui.tasks.table_model import TASK_ROLE, TaskTableModel

GAP = 6  # between the title, each chip and the mark
PAD = 5  # inside a chip, left and right
CHIP_SCALE = 0.85  # chips read as labels, a little smaller than the title
TINT = 40  # the chip's fill: the text colour at this alpha, readable on any row, selected or not
CACHE_LIMIT = 512
LOOK_LIMIT = 64  # row fonts by key: a handful of looks, at a few sizes
TEXT_CACHE_LIMIT = 4096  # titles as fitted to their room: a few screens of rows at a few widths
MARK_ALPHA = 90  # a search's words: the selection colour, faint enough to read through
# The pixmap cache's keys for the marks (no tag can be called that); _marks_of orders them.
_REPEAT = "\x00repeat"
_NOTES = "\x00notes"
_REMINDER = "\x00reminder"
_TEXT_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_ELIDE = Qt.TextElideMode.ElideRight
# Looked up once: every rich cell of every repaint uses them, and each lookup of a Qt enum
# through PySide costs about as much as the call it is passed to.
_ITEM = QStyle.ControlElement.CE_ItemViewItem
_TEXT_RECT = QStyle.SubElement.SE_ItemViewItemText
_FOCUS_MARGIN = QStyle.PixelMetric.PM_FocusFrameHMargin
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_SELECTED = QStyle.StateFlag.State_Selected.value
_NORMAL = QPalette.ColorGroup.Normal
_INACTIVE = QPalette.ColorGroup.Inactive
_DISABLED = QPalette.ColorGroup.Disabled
_HIGHLIGHTED_TEXT = QPalette.ColorRole.HighlightedText
_PLAIN_TEXT = QPalette.ColorRole.Text

Index = QModelIndex | QPersistentModelIndex


class _Look(NamedTuple):
    font: QFont
    metrics: QFontMetrics


def _marks_of(task: Task, reminded: bool) -> tuple[str, ...]:
    marks: tuple[str, ...] = (_REMINDER,) if reminded else ()
    if task.repeat:
        marks += (_REPEAT,)
    return (*marks, _NOTES) if task.description else marks


class TitleDelegate(RowDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._font_size = (-1.0, -1)
        self._font_key = ""  # the row font the chip font was last checked against
        self._font = QFont()
        self._metrics = QFontMetrics(self._font)
        self._mark_width = self._metrics.height()
        self._chip_height = self._mark_width + 2
        self._texts: dict[tuple[str, str, int], tuple[str, int]] = {}
        self._looks: dict[str, _Look] = {}
        self._widths: dict[tuple[str, ...], tuple[int, ...]] = {}
        self._pixmaps: dict[tuple[str, int, float], QPixmap] = {}
        self.marked: tuple[str, ...] = ()  # lower-cased words of the search on screen

    def mark(self, words: tuple[str, ...]) -> None:
        """Mark these words wherever a title shows them (the list's search)."""
        self.marked = words
        view = self.parent()
        if isinstance(view, QAbstractItemView):
            view.viewport().update()

    def paint_cell(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        model = index.model()
        # The task straight from the model: a round trip through data() costs more than the
        # rest of a plain row's paint.
        task = model.task_at(index.row()) if isinstance(model, TaskTableModel) else index.data(TASK_ROLE)
        if not isinstance(task, Task):
            QStyledItemDelegate.paint(self, painter, option, index)
            return
        bells = getattr(model, "reminded", ())
        reminded = bool(bells) and task.id in bells  # no UUID hashed (in Python) when none rings
        spans = self._marks(task.title) if self.marked else None
        if not (task.tags or task.repeat or task.description or spans or reminded):
            QStyledItemDelegate.paint(self, painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title = opt.text
        opt.text = ""  # background, selection and focus as the style draws them; the text is ours
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(_ITEM, opt, painter, widget)
        rect = style.subElementRect(_TEXT_RECT, opt, widget)
        margin = style.pixelMetric(_FOCUS_MARGIN, None, widget) + 1
        rect.adjust(margin, 0, -margin, 0)
        font_key = opt.font.key()
        if font_key != self._font_key:
            self._font_key = font_key
            self._chip_font(opt.font)
        look = self._looks.get(font_key) or self._look(opt.font, font_key)
        widths = self._chip_widths(task.tags)
        marks = _marks_of(task, reminded)
        mark = self._mark_width
        extras = sum(widths) + GAP * len(widths) + (mark + GAP) * len(marks)
        width = rect.width()
        shown, advance = self._elided(title, font_key, max(width - extras, width // 2), look.metrics)

        text = _text_colour(opt)
        painter.save()
        if self.marked:
            self._paint_marks(painter, rect, shown, look.metrics, opt)
        painter.setFont(look.font)
        painter.setPen(text)
        painter.drawText(rect, _TEXT_FLAGS, shown)
        x = rect.left() + advance + GAP
        right = rect.right()
        height = self._chip_height
        top = rect.top() + (rect.height() - height) // 2
        ratio = painter.device().devicePixelRatioF()
        rgba = text.rgba()
        for name, chip in zip(task.tags, widths, strict=True):
            if x + chip > right:
                break  # no room for a chip cut in half; the tooltip still names it
            painter.drawPixmap(x, top, self._pixmap(name, chip, height, text, rgba, ratio))
            x += chip + GAP
        for name in marks:
            if x + mark > right:
                break
            painter.drawPixmap(x, top, self._pixmap(name, mark, height, text, rgba, ratio))
            x += mark + GAP
        painter.restore()

    def _look(self, font: QFont, key: str) -> _Look:
        """One font and its metrics per look of a row (plain, bold, struck out…), kept: the
        style hands each cell a fresh copy, whose metrics would look up its font engine anew."""
        if len(self._looks) >= LOOK_LIMIT:
            self._looks.clear()
        font = QFont(font)  # a copy: the option's own font goes with the option
        look = self._looks[key] = _Look(font, QFontMetrics(font))
        return look

    def _elided(self, title: str, font_key: str, room: int, metrics: QFontMetrics) -> tuple[str, int]:
        """The title as it fits in ``room``, and its width: measured once per title, font and
        room, since every repaint shows the same rows again."""
        key = (title, font_key, room)
        found = self._texts.get(key)
        if found is None:
            if len(self._texts) >= TEXT_CACHE_LIMIT:
                self._texts.clear()
            width = metrics.horizontalAdvance(title)
            if width > room:
                shown = metrics.elidedText(title, _ELIDE, room)
                found = (shown, metrics.horizontalAdvance(shown))
            else:
                found = (title, width)
            self._texts[key] = found
        return found

    def _marks(self, title: str) -> list[tuple[int, int]]:
        """Where the marked words are in ``title``: (start, end) pairs, in order, overlapping
        ones merged (a part painted twice would look darker)."""
        if not self.marked:
            return []
        text, origin = _folded(title)
        spans = []
        for word in self.marked:
            start = text.find(word)
            while start >= 0:
                end = start + len(word)
                spans.append((start, end) if origin is None else (origin[start], origin[end - 1] + 1))
                start = text.find(word, end)
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def _paint_marks(
        self, painter: QPainter, rect: QRect, shown: str, metrics: QFontMetrics, opt: QStyleOptionViewItem
    ) -> None:
        spans = self._marks(shown)
        if not spans:
            return
        # On a selected row the selection colour is the background: the mark is its text's.
        selected = opt.state.value & _SELECTED
        fill = QColor(opt.palette.color(_HIGHLIGHTED_TEXT if selected else QPalette.ColorRole.Highlight))
        fill.setAlpha(MARK_ALPHA)
        for start, end in spans:
            left = rect.left() + metrics.horizontalAdvance(shown[:start])
            width = metrics.horizontalAdvance(shown[start:end])
            painter.fillRect(QRect(left, rect.top() + 2, width, rect.height() - 4), fill)

    def _chip_font(self, font: QFont) -> None:
        """The chips' font: the row's size (bold, italic and struck out are the title's)."""
        size = (font.pointSizeF(), font.pixelSize())
        if size == self._font_size:
            return
        self._font_size = size
        self._font = QFont(font)
        self._font.setBold(False)
        self._font.setItalic(False)
        self._font.setStrikeOut(False)
        if font.pointSizeF() > 0:
            self._font.setPointSizeF(font.pointSizeF() * CHIP_SCALE)
        else:
            self._font.setPixelSize(max(8, round(font.pixelSize() * CHIP_SCALE)))
        self._metrics = QFontMetrics(self._font)
        self._mark_width = self._metrics.height()
        self._chip_height = self._mark_width + 2
        self._widths.clear()
        self._pixmaps.clear()

    def _chip_widths(self, tags: tuple[str, ...]) -> tuple[int, ...]:
        widths = self._widths.get(tags)
        if widths is None:
            if len(self._widths) >= CACHE_LIMIT:
                self._widths.clear()
            widths = tuple(self._metrics.horizontalAdvance(f"#{name}") + 2 * PAD for name in tags)
            self._widths[tags] = widths
        return widths

    def _pixmap(self, name: str, width: int, height: int, colour: QColor, rgba: int, ratio: float) -> QPixmap:
        key = (name, rgba, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            return pixmap
        if len(self._pixmaps) >= CACHE_LIMIT:
            self._pixmaps.clear()
        pixmap = QPixmap(max(1, math.ceil(width * ratio)), max(1, math.ceil(height * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(0, 0, width, height)
        if name == _REPEAT:
            _repeat_mark(painter, box.adjusted(0, 1, 0, -1), colour)
        elif name == _NOTES:
            _notes_mark(painter, box.adjusted(0, 1, 0, -1), colour)
        elif name == _REMINDER:
            _bell_mark(painter, box.adjusted(0, 1, 0, -1), colour)
        else:
            fill = QColor(colour)
            fill.setAlpha(TINT)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(box, height / 2, height / 2)
            painter.setFont(self._font)
            painter.setPen(colour)
            painter.drawText(box, _CENTRE, f"#{name}")
        painter.end()
        self._pixmaps[key] = pixmap
        return pixmap


def _folded(title: str) -> tuple[str, list[int] | None]:
    """``title`` as a search compares it (core.search_terms.folded), and for each of its
    characters the one of ``title`` it came from: a few letters grow in lower case ('İ'
    becomes 'i' and a combining dot). None when each comes from the same place, as in almost
    every title: nothing to build per paint."""
    plain = folded(title)
    if len(plain) == len(title):
        return plain, None
    origin: list[int] = []
    for i, char in enumerate(title):
        origin.extend([i] * len(folded(char)))
    return "".join(folded(char) for char in title), origin


def _text_colour(opt: QStyleOptionViewItem) -> QColor:
    """The colour the style would give the text: the row's own (red when overdue) or the
    selection's, in the window's active or inactive state."""
    state = opt.state.value  # plain ints: each operation on a Qt flag costs a microsecond
    group = (_NORMAL if state & _ACTIVE else _INACTIVE) if state & _ENABLED else _DISABLED
    return opt.palette.color(group, _HIGHLIGHTED_TEXT if state & _SELECTED else _PLAIN_TEXT)


def _repeat_mark(painter: QPainter, box: QRectF, colour: QColor) -> None:
    """A circular arrow: drawn, not a glyph, so it shows whatever fonts the system has."""
    side = min(box.width(), box.height())
    square = QRectF(box.left(), box.top() + (box.height() - side) / 2, side, side).adjusted(2, 2, -2, -2)
    pen = QPen(colour, max(1.2, side / 10))
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(square, 60 * 16, 290 * 16)
    # The arrowhead where the arc ends (at 350 degrees), pointing the way the arc runs.
    radius = square.width() / 2
    centre = square.center()
    end = math.radians(350)
    tip = QPointF(centre.x() + radius * math.cos(end), centre.y() - radius * math.sin(end))
    along = QPointF(math.sin(end), -math.cos(end))  # screen y grows downwards
    across = QPointF(-along.y(), along.x())
    size = max(2.5, side / 4)
    head = QPolygonF([tip + along * size, tip + across * (size * 0.7), tip - across * (size * 0.7)])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(head)


def _notes_mark(painter: QPainter, box: QRectF, colour: QColor) -> None:
    """A page with lines of text, drawn like the repeat mark."""
    side = min(box.width(), box.height())
    page = QRectF(box.left(), box.top() + (box.height() - side) / 2, side, side).adjusted(3, 2, -3, -2)
    width = max(1.2, side / 10)
    painter.setPen(QPen(colour, width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(page, width, width)
    step = page.height() / 4
    for line in (1, 2, 3):
        y = page.top() + step * line
        right = page.right() - width * 1.5 - (page.width() / 3 if line == 3 else 0)
        painter.drawLine(QPointF(page.left() + width * 1.5, y), QPointF(right, y))


def _bell_mark(painter: QPainter, box: QRectF, colour: QColor) -> None:
    """A bell, drawn like the other marks."""
    side = min(box.width(), box.height())
    bell = QRectF(box.left(), box.top() + (box.height() - side) / 2, side, side).adjusted(2.5, 2, -2.5, -2)
    width = max(1.2, side / 10)
    path = QPainterPath()
    rim = bell.bottom() - bell.height() * 0.22
    path.moveTo(bell.left(), rim)
    path.cubicTo(
        bell.left() + bell.width() * 0.2,
        rim - bell.height() * 0.1,
        bell.left() + bell.width() * 0.1,
        bell.top(),
        bell.center().x(),
        bell.top(),
    )
    path.cubicTo(
        bell.right() - bell.width() * 0.1,
        bell.top(),
        bell.right() - bell.width() * 0.2,
        rim - bell.height() * 0.1,
        bell.right(),
        rim,
    )
    path.closeSubpath()
    painter.setPen(QPen(colour, width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    clapper = bell.height() * 0.12
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(QPointF(bell.center().x(), bell.bottom() - clapper), clapper, clapper)
