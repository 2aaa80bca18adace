"""Every command of the main window as a QAction, in a menu, with a shortcut.

Standard keys come from QKeySequence, so each platform gets its own binding; the bindings
the app promises everywhere (say Ctrl+Shift+Z for redo) are added when a platform lacks them.
Single-key shortcuts (Space, Delete, 1-4, T, J, K, ?) belong to the task table alone: they
must never fire while someone types into a field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from todo_desktop.core.values import Priority, SmartList, SortKey
from todo_desktop.ui.lists.sidebar import LIST_NAMES, LIST_ORDER

if TYPE_CHECKING:
    from todo_desktop.ui.main_window import MainWindow

Standard = QKeySequence.StandardKey
PRIORITY_KEYS = {Priority.LOW: "1", Priority.MEDIUM: "2", Priority.HIGH: "3", Priority.URGENT: "4"}
SORT_NAMES = {
    SortKey.DUE: ("By &Due Date", "Ctrl+Shift+D"),
    SortKey.PRIORITY: ("By &Priority", "Ctrl+Shift+P"),
    SortKey.CREATED: ("By &Creation", "Ctrl+Shift+C"),
    SortKey.UPDATED: ("By Last &Change", "Ctrl+Shift+M"),
    SortKey.TITLE: ("By &Title", "Ctrl+Shift+T"),
}
# Keys that are not actions of their own, for the shortcuts dialog.
BUILT_IN_KEYS = (
    ("Move", "Up, Down, Page Up, Page Down, Home, End"),
    ("Extend the selection", "Shift + any movement key"),
    ("Leave a field or dialog", "Esc"),
)


def key_list(standard: Standard | None, *required: str) -> list[QKeySequence]:
    """The platform's main binding for ``standard`` first, then any promised one it lacks.

    Only the main one: the rest are mostly media keys (a keyboard's "Undo" key) that would
    clutter every menu, palette and help entry.
    """
    keys = list(QKeySequence.keyBindings(standard))[:1] if standard is not None else []
    for text in required:
        wanted = QKeySequence(text)
        if wanted not in keys:
            keys.append(wanted)
    return keys


def plain_name(action: QAction) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


@dataclass(frozen=True)
class Command:
    """One thing a person can do; ``aliases`` are the same command under other keys and scopes."""

    action: QAction
    aliases: tuple[QAction, ...] = ()

    @property
    def name(self) -> str:
        return plain_name(self.action)

    def keys(self) -> list[str]:
        native = QKeySequence.SequenceFormat.NativeText
        return [key.toString(native) for a in (self.action, *self.aliases) for key in a.shortcuts()]

    @property
    def key_text(self) -> str:
        return ", ".join(self.keys())


@dataclass
class Actions:
    window: MainWindow
    commands: list[Command] = field(default_factory=list)
    by_name: dict[str, QAction] = field(default_factory=dict)
    lists: dict[SmartList, QAction] = field(default_factory=dict)
    sorts: dict[SortKey, QAction] = field(default_factory=dict)
    priorities: dict[Priority, QAction] = field(default_factory=dict)
    # Actions that change tasks: off while the database is read-only or being signed out of.
    edits: list[QAction] = field(default_factory=list)

    def add(
        self,
        menu: QMenu,
        text: str,
        keys: list[QKeySequence],
        slot: Callable[[], object],
        *,
        in_table: bool = False,
        action: QAction | None = None,
        edit: bool = False,
    ) -> QAction:
        made = action or QAction(text, self.window)
        made.setShortcuts(keys)
        if action is None:
            made.triggered.connect(lambda _checked=False: slot())
        if in_table:
            made.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.window.table.addAction(made)
        else:
            self.window.addAction(made)
        menu.addAction(made)
        self.commands.append(Command(made))
        self.by_name[plain_name(made)] = made
        if edit:
            self.edits.append(made)
        return made

    def __getitem__(self, name: str) -> QAction:
        return self.by_name[name]


def build_actions(window: MainWindow) -> Actions:
    acts = Actions(window)
    menus = window.menuBar()
    w = window

    file_menu = menus.addMenu("&File")
    acts.add(file_menu, "&Connections…", [QKeySequence("Ctrl+Shift+O")], w.open_connections)
    file_menu.addSeparator()
    w.quit_action = acts.add(file_menu, "&Quit", key_list(Standard.Quit, "Ctrl+Q"), w.close)

    edit = menus.addMenu("&Edit")
    undo = w.undo_stack.createUndoAction(w, "&Undo")
    redo = w.undo_stack.createRedoAction(w, "&Redo")
    acts.add(edit, "", key_list(Standard.Undo, "Ctrl+Z"), w.undo_stack.undo, action=undo)
    acts.add(edit, "", key_list(Standard.Redo, "Ctrl+Shift+Z"), w.undo_stack.redo, action=redo)
    edit.addSeparator()
    acts.add(edit, "&Find…", key_list(Standard.Find, "Ctrl+F"), w.focus_search)
    acts.add(edit, "&Command Palette…", [QKeySequence("Ctrl+K")], w.open_palette)

    task = menus.addMenu("&Task")
    acts.add(task, "&New Task", key_list(Standard.New, "Ctrl+N"), w.focus_quick_add, edit=True)
    acts.add(
        task, "&Edit Title", key_list(None, "Return", "Enter", "F2"), w.edit_title, in_table=True, edit=True
    )
    acts.add(task, "Open or Save &Details", key_list(None, "Ctrl+Return", "Ctrl+Enter"), w.details_key)
    task.addSeparator()
    acts.add(
        task, "Toggle &Done", key_list(None, "Space"), w.commands.toggle_selected, in_table=True, edit=True
    )
    acts.add(
        task,
        "&Delete",
        key_list(Standard.Delete, "Del"),
        w.commands.delete_selected,
        in_table=True,
        edit=True,
    )
    priority_menu = task.addMenu("&Priority")
    for priority, key in PRIORITY_KEYS.items():
        name = f"Priority &{priority.value.capitalize()}"
        acts.priorities[priority] = acts.add(
            priority_menu,
            name,
            [QKeySequence(key)],
            partial(w.commands.set_priority, priority),
            in_table=True,
            edit=True,
        )
    due_menu = task.addMenu("D&ue Date")
    acts.add(due_menu, "Set Due &Date…", [QKeySequence("Ctrl+D")], w.edit_due, edit=True)
    acts.add(due_menu, "Due &Today", [QKeySequence("T")], w.due_today, in_table=True, edit=True)
    acts.add(due_menu, "Due To&morrow", [QKeySequence("Shift+T")], w.due_tomorrow, in_table=True, edit=True)

    go = menus.addMenu("&Go")
    for number, smart_list in enumerate(LIST_ORDER, start=1):
        acts.lists[smart_list] = acts.add(
            go,
            f"&{LIST_NAMES[smart_list]}",
            [QKeySequence(f"Ctrl+{number}")],
            partial(w.show_list, smart_list),
        )
    go.addSeparator()
    acts.add(go, "&Next Task", [QKeySequence("J")], partial(w.move_cursor, True, False), in_table=True)
    acts.add(go, "&Previous Task", [QKeySequence("K")], partial(w.move_cursor, False, False), in_table=True)
    acts.add(
        go,
        "Extend Selection Down",
        [QKeySequence("Shift+J")],
        partial(w.move_cursor, True, True),
        in_table=True,
    )
    acts.add(
        go,
        "Extend Selection Up",
        [QKeySequence("Shift+K")],
        partial(w.move_cursor, False, True),
        in_table=True,
    )

    view = menus.addMenu("&View")
    sort_menu = view.addMenu("&Sort")
    group = QActionGroup(window)
    for key, (name, keys) in SORT_NAMES.items():
        made = acts.add(sort_menu, name, [QKeySequence(keys)], partial(w.set_sort, key))
        made.setCheckable(True)
        group.addAction(made)
        acts.sorts[key] = made
    acts.add(view, "&Reload", key_list(Standard.Refresh, "F5"), w.refresh)

    # Enabled and disabled by the window as profiles open and close (WorkspaceSwitch).
    account = menus.addMenu("&Account")
    acts.add(account, "Sign &In…", [QKeySequence("Ctrl+Shift+I")], w.ask_sign_in)
    acts.add(account, "Sign &Out", [QKeySequence("Ctrl+Shift+L")], w.sign_out)
    acts.add(account, "Sign Out &Everywhere…", [QKeySequence("Ctrl+Alt+Shift+L")], w.sign_out_everywhere)

    help_menu = menus.addMenu("&Help")
    shortcuts = acts.add(
        help_menu, "&Keyboard Shortcuts", key_list(Standard.HelpContents, "F1"), w.show_shortcuts
    )
    # "?" as well, but only in the list: in a field it is just a question mark.
    question = QAction("Keyboard Shortcuts", window)
    question.setShortcut(QKeySequence("?"))
    question.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    question.triggered.connect(lambda _checked=False: w.show_shortcuts())
    window.table.addAction(question)
    acts.commands[-1] = Command(shortcuts, (question,))
    return acts
