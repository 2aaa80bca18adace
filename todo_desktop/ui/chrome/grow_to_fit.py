"""A dialog that grows for a sentence shown after it opened, instead of clipping its text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class GrowToFit(QObject):
    """Keeps a dialog tall enough for its contents at its width.

    Qt sizes a window by its layout's minimum, which leaves out how many lines wrapped text
    needs at the width it really has; a long message then squeezes the fields above it into
    slivers and clips itself. Asking the layout for its height at this width avoids both.
    """

    def __init__(self, dialog: QWidget) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        dialog.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._dialog and kind in (
            QEvent.Type.LayoutRequest,
            QEvent.Type.Resize,
            QEvent.Type.Show,
        ):
            self.fit()
        return False

    def fit(self) -> None:
        layout = self._dialog.layout()
        if layout is None:
            return
        layout.activate()
        width = self._dialog.width()
        need = layout.totalMinimumSize().height()
        if layout.hasHeightForWidth():
            need = max(need, layout.totalHeightForWidth(width))
        if self._dialog.minimumHeight() != need:
            self._dialog.setMinimumHeight(need)
        if self._dialog.height() < need:
            self._dialog.resize(width, need)
