"""The sidebar of smart lists, each with its live count."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from todo_desktop.core.values import ListCounts, SmartList

# Sidebar order; the first six are also Ctrl+1 to Ctrl+6.
LIST_ORDER = (
    SmartList.INBOX,
    SmartList.TODAY,
    SmartList.UPCOMING,
    SmartList.OVERDUE,
    SmartList.COMPLETED,
    SmartList.PRIORITY_URGENT,
    SmartList.PRIORITY_HIGH,
    SmartList.PRIORITY_MEDIUM,
    SmartList.PRIORITY_LOW,
)
LIST_NAMES = {
    SmartList.INBOX: "Inbox",
    SmartList.TODAY: "Today",
    SmartList.UPCOMING: "Upcoming",
    SmartList.OVERDUE: "Overdue",
    SmartList.COMPLETED: "Completed",
    SmartList.PRIORITY_URGENT: "Urgent",
    SmartList.PRIORITY_HIGH: "High priority",
    SmartList.PRIORITY_MEDIUM: "Medium priority",
    SmartList.PRIORITY_LOW: "Low priority",
}
_LIST_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class Sidebar(QTreeWidget):
    list_chosen = Signal(object)  # SmartList

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Lists")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._items: dict[SmartList, QTreeWidgetItem] = {}
        for smart_list in LIST_ORDER:
            item = QTreeWidgetItem(self, [LIST_NAMES[smart_list], ""])
            item.setData(0, _LIST_ROLE, smart_list.value)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self._items[smart_list] = item
        self.setCurrentItem(self._items[SmartList.INBOX])
        self.currentItemChanged.connect(self._chosen)

    def _chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.list_chosen.emit(SmartList(item.data(0, _LIST_ROLE)))

    def set_current(self, smart_list: SmartList) -> None:
        """Mark ``smart_list`` as shown, without asking for it again."""
        self.blockSignals(True)
        self.setCurrentItem(self._items[smart_list])
        self.blockSignals(False)

    def set_counts(self, counts: ListCounts) -> None:
        for smart_list, item in self._items.items():
            count = counts.counts.get(smart_list)
            item.setText(1, "" if count is None else f"{count:,}")
            # Read out as one phrase by screen readers, not two unrelated cells.
            spoken = LIST_NAMES[smart_list] if count is None else f"{LIST_NAMES[smart_list]}, {count} tasks"
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, spoken)

    def count_text(self, smart_list: SmartList) -> str:
        return self._items[smart_list].text(1)
