"""The roles and flags the task table model answers, as plain ints looked up once: Qt asks
for about 300 cells' roles at every repaint, and each enum attribute lookup through PySide
costs more than the answer."""

from __future__ import annotations

from PySide6.QtCore import Qt

from todo_desktop.ui.tasks.columns import Column

TASK_ROLE = int(Qt.ItemDataRole.UserRole) + 1
# The title of the section this row begins ("Tomorrow"), or None: the delegates paint it above.
SECTION_ROLE = int(Qt.ItemDataRole.UserRole) + 2
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
EDIT = int(Qt.ItemDataRole.EditRole)
CHECK = int(Qt.ItemDataRole.CheckStateRole)
FONT = int(Qt.ItemDataRole.FontRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ACCESSIBLE = int(Qt.ItemDataRole.AccessibleDescriptionRole)
ACCESSIBLE_TEXT = int(Qt.ItemDataRole.AccessibleTextRole)
ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
CENTRED = int(Qt.AlignmentFlag.AlignCenter)
CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
FLAGS = {
    int(Column.DONE): ROW_FLAGS | Qt.ItemFlag.ItemIsUserCheckable,
    int(Column.TITLE): ROW_FLAGS | Qt.ItemFlag.ItemIsEditable,
}
# Every role ``data`` answers; the rest are None at once.
ANSWERED = frozenset((DISPLAY, EDIT, CHECK, FONT, FOREGROUND, TOOLTIP, ACCESSIBLE, ACCESSIBLE_TEXT))
ANSWERED |= {ALIGN, TASK_ROLE, SECTION_ROLE}
