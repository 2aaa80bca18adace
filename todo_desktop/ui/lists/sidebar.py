"""The sidebar: smart lists, each with its live count, and under them the tags with their
open tasks. F2 on a tag renames (or merges) it, Delete takes it off its tasks."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.values import ListCounts, SmartList, TagCount
from todo_desktop.ui.chrome.icons import Glyph, icon_set

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
# Shapes, not colours, tell the priorities apart: bars by level, a warning sign for urgent.
LIST_GLYPHS = {
    SmartList.INBOX: Glyph.INBOX,
    SmartList.TODAY: Glyph.TODAY,
    SmartList.UPCOMING: Glyph.UPCOMING,
    SmartList.OVERDUE: Glyph.OVERDUE,
    SmartList.COMPLETED: Glyph.COMPLETED,
    SmartList.PRIORITY_URGENT: Glyph.PRIORITY_URGENT,
    SmartList.PRIORITY_HIGH: Glyph.PRIORITY_HIGH,
    SmartList.PRIORITY_MEDIUM: Glyph.PRIORITY_MEDIUM,
    SmartList.PRIORITY_LOW: Glyph.PRIORITY_LOW,
}
_LIST_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_TAG_ROLE = int(Qt.ItemDataRole.UserRole) + 2
TAGS_HEADING = "Tags"


def tag_spoken(count: TagCount) -> str:
    tasks = "open task" if count.open_count == 1 else "open tasks"
    return f"Tag {count.name}, {count.open_count} {tasks}"


class Sidebar(QTreeWidget):
    list_chosen = Signal(object)  # SmartList
    tag_chosen = Signal(str)
    rename_requested = Signal(str)  # F2 on a tag
    delete_requested = Signal(str)  # Delete on a tag

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
        # A heading, not a list: disabled, so the arrow keys pass over it.
        self._heading = QTreeWidgetItem(self, [TAGS_HEADING, ""])
        self._heading.setFlags(Qt.ItemFlag.NoItemFlags)
        font = self._heading.font(0)
        font.setBold(True)
        self._heading.setFont(0, font)
        self._heading.setHidden(True)
        self._tags: dict[str, QTreeWidgetItem] = {}  # by tag key, in the order shown
        self._shown_tag: str | None = None
        self._dress()
        self.setCurrentItem(self._items[SmartList.INBOX])
        self.currentItemChanged.connect(self._chosen)

    def _dress(self) -> None:
        """Each row's icon, in the palette's colours (again after a change of theme)."""
        icons = icon_set()
        for smart_list, item in self._items.items():
            item.setIcon(0, icons.icon(LIST_GLYPHS[smart_list]))
        for item in self._tags.values():
            item.setIcon(0, icons.icon(Glyph.TAG))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._dress()

    def _chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        name = item.data(0, _TAG_ROLE)
        if name:
            self._shown_tag = name
            self.tag_chosen.emit(name)
        elif item.data(0, _LIST_ROLE):
            self.list_chosen.emit(SmartList(item.data(0, _LIST_ROLE)))

    def _mark(self, item: QTreeWidgetItem | None) -> None:
        self.blockSignals(True)
        if item is None:
            self.setCurrentIndex(QModelIndex())
            self.clearSelection()
        else:
            self.setCurrentItem(item)
        self.blockSignals(False)

    def set_current(self, smart_list: SmartList) -> None:
        """Mark ``smart_list`` as shown, without asking for it again."""
        self._shown_tag = None
        self._mark(self._items[smart_list])

    def set_current_tag(self, name: str) -> None:
        """Mark the tag ``name`` as shown (nothing, while the tags are not read yet)."""
        self._shown_tag = name
        self._mark(self._tags.get(tag_key(name)))

    def current_tag(self) -> str | None:
        item = self.currentItem()
        return item.data(0, _TAG_ROLE) if item is not None and item.data(0, _TAG_ROLE) else None

    def set_tags(self, tags: list[TagCount]) -> None:
        """The tags with their open counts, in the order given."""
        keys = [tag_key(t.name) for t in tags]
        if keys != list(self._tags) or any(
            self._tags[k].data(0, _TAG_ROLE) != t.name for k, t in zip(keys, tags, strict=True)
        ):
            self.blockSignals(True)
            for item in self._tags.values():
                self.takeTopLevelItem(self.indexOfTopLevelItem(item))
            self._tags = {}
            for key, count in zip(keys, tags, strict=True):
                item = QTreeWidgetItem(self, [f"#{count.name}", ""])
                item.setData(0, _TAG_ROLE, count.name)
                item.setIcon(0, icon_set().icon(Glyph.TAG))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self._tags[key] = item
            self._heading.setHidden(not tags)
            self.blockSignals(False)
            if self._shown_tag is not None:
                self.set_current_tag(self._shown_tag)
        for key, count in zip(keys, tags, strict=True):
            self._tags[key].setText(1, f"{count.open_count:,}")
            self._tags[key].setData(0, Qt.ItemDataRole.AccessibleTextRole, tag_spoken(count))

    def tag_names(self) -> list[str]:
        return [item.data(0, _TAG_ROLE) for item in self._tags.values()]

    def tag_count_text(self, name: str) -> str:
        item = self._tags.get(tag_key(name))
        return item.text(1) if item is not None else ""

    def choose_tag(self, name: str) -> None:
        """Make the tag ``name`` current, as a click or the arrow keys would."""
        item = self._tags.get(tag_key(name))
        if item is not None:
            self.setCurrentItem(item)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        name = self.current_tag()
        if name is not None and event.key() == Qt.Key.Key_F2 and not event.modifiers():
            self.rename_requested.emit(name)
            return
        if name is not None and event.matches(QKeySequence.StandardKey.Delete):
            self.delete_requested.emit(name)
            return
        super().keyPressEvent(event)

    def set_counts(self, counts: ListCounts) -> None:
        for smart_list, item in self._items.items():
            count = counts.counts.get(smart_list)
            item.setText(1, "" if count is None else f"{count:,}")
            # Read out as one phrase by screen readers, not two unrelated cells.
            spoken = LIST_NAMES[smart_list] if count is None else f"{LIST_NAMES[smart_list]}, {count} tasks"
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, spoken)

    def count_text(self, smart_list: SmartList) -> str:
        return self._items[smart_list].text(1)
