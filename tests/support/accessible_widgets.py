"""Which widgets a screen reader announces as controls, and a short path to name one in a
failure message; shared by the tests that walk a window for accessible names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QComboBox, QWidget


def is_control(widget: QWidget) -> bool:
    if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
        return False
    parent = widget.parentWidget()
    # Parts of a compound control: a screen reader announces the control that owns them.
    if parent is not None and parent.focusProxy() is widget:
        return False
    if isinstance(parent, QAbstractSpinBox | QComboBox) and parent.lineEdit() is widget:
        return False
    return not (isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget)


def widget_path(widget: QWidget) -> str:
    chain: list[str] = []
    node: QWidget | None = widget
    while node is not None and len(chain) < 4:
        chain.append(node.objectName() or type(node).__name__)
        node = node.parentWidget()
    return " < ".join(chain)
