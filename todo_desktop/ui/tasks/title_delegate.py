"""The title cell: the title, with the words of a search marked, then the task's tags as
chips and marks when it repeats and when it has notes.

Painted, never widgets per row: only the rows on screen are drawn, and a row without tags
or a mark is left to the stock delegate untouched. The same few tags show on row after
row, so each chip (and the mark) is drawn once per colour and font into a pixmap, and a
repaint only copies pixmaps; chip widths are measured once per set of tags. What the chips
and the mark say is in the row's tooltip and accessible description too, in words.
"""

from __future__ import annotations

import math

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
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyle, QStyleOptionViewItem, QWidget

from todo_desktop.core.values import Task
from todo_desktop.ui.tasks.section_rows import RowDelegate
from todo_desktop.ui.tasks.table_model import TASK_ROLE

GAP = 6  # between the title, each chip and the mark
PAD = 5  # inside a chip, left and right
CHIP_SCALE = 0.85  # chips read as labels, a little smaller than the title
TINT = 40  # the chip's fill: the text colour at this alpha, readable on any row, selected or not
CACHE_LIMIT = 512
MARK_ALPHA = 90  # a search's words: the selection colour, faint enough to read through
# The pixmap cache's keys for the marks (no tag can be called that), in the order they show.
# A reminder's mark belongs in this row of marks too, once tasks carry reminders.
_REPEAT = "\x00repeat"
_NOTES = "\x00notes"
_REMINDER = "\x00reminder"
_TEXT_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_ELIDE = Qt.TextElideMode.ElideRight

Index = QModelIndex | QPersistentModelIndex


def _marks_of(task: Task, reminded: bool) -> tuple[str, ...]:
    marks: tuple[str, ...] = (_REMINDER,) if reminded else ()
    if task.repeat:
        marks += (_REPEAT,)
    return (*marks, _NOTES) if task.description else marks


def _reminded(index: Index, task: Task) -> bool:
    return task.id in getattr(index.model(), "reminded", ())


class TitleDelegate(RowDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._font_size = (-1.0, -1)
        self._font = QFont()
        self._metrics = QFontMetrics(self._font)
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
        task = index.data(TASK_ROLE)
        if not isinstance(task, Task) or not (
            task.tags or task.repeat or task.description or self._marks(task.title) or _reminded(index, task)
        ):
            super().paint_cell(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title = opt.text
        opt.text = ""  # background, selection and focus as the style draws them; the text is ours
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        rect.adjust(margin, 0, -margin, 0)
        self._chip_font(opt.font)
        widths = self._chip_widths(task.tags)
        marks = _marks_of(task, _reminded(index, task))
        mark = self._metrics.height()
        extras = sum(widths) + GAP * len(widths) + (mark + GAP) * len(marks)
        metrics = opt.fontMetrics
        room = max(rect.width() - extras, rect.width() // 2)
        shown = title if metrics.horizontalAdvance(title) <= room else metrics.elidedText(title, _ELIDE, room)

        text = _text_colour(opt)
        painter.save()
        self._paint_marks(painter, rect, shown, metrics, opt.palette)
        painter.setFont(opt.font)
        painter.setPen(text)
        painter.drawText(rect, _TEXT_FLAGS, shown)
        x = rect.left() + metrics.horizontalAdvance(shown) + GAP
        height = self._metrics.height() + 2
        top = rect.top() + (rect.height() - height) // 2
        ratio = painter.device().devicePixelRatioF()
        for name, width in zip(task.tags, widths, strict=True):
            if x + width > rect.right():
                break  # no room for a chip cut in half; the tooltip still names it
            painter.drawPixmap(x, top, self._pixmap(name, width, height, text, ratio))
            x += width + GAP
        for name in marks:
            if x + mark > rect.right():
                break
            painter.drawPixmap(x, top, self._pixmap(name, mark, height, text, ratio))
            x += mark + GAP
        painter.restore()

    def _marks(self, title: str) -> list[tuple[int, int]]:
        """Where the marked words are in ``title``: (start, end) pairs, in order."""
        if not self.marked:
            return []
        folded = title.lower()
        if len(folded) != len(title):  # a letter whose lower case is longer: no safe offsets
            return []
        spans = []
        for word in self.marked:
            start = folded.find(word)
            while start >= 0:
                spans.append((start, start + len(word)))
                start = folded.find(word, start + len(word))
        return sorted(spans)

    def _paint_marks(
        self, painter: QPainter, rect: QRect, shown: str, metrics: QFontMetrics, palette: QPalette
    ) -> None:
        fill = QColor(palette.color(QPalette.ColorRole.Highlight))
        fill.setAlpha(MARK_ALPHA)
        for start, end in self._marks(shown):
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

    def _pixmap(self, name: str, width: int, height: int, colour: QColor, ratio: float) -> QPixmap:
        key = (name, colour.rgba(), ratio)
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


def _text_colour(opt: QStyleOptionViewItem) -> QColor:
    """The colour the style would give the text: the row's own (red when overdue) or the
    selection's, in the window's active or inactive state."""
    state, flag = opt.state, QStyle.StateFlag
    group = QPalette.ColorGroup.Normal if state & flag.State_Enabled else QPalette.ColorGroup.Disabled
    if group == QPalette.ColorGroup.Normal and not state & flag.State_Active:
        group = QPalette.ColorGroup.Inactive
    role = QPalette.ColorRole.HighlightedText if state & flag.State_Selected else QPalette.ColorRole.Text
    return opt.palette.color(group, role)


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
