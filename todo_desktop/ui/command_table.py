"""Every command of the main window as a QAction, in a menu, with a shortcut, in one table
keyed by ``CommandId`` (and by list, order and priority for the families of commands).

The window hands in the callable each command runs, bound straight to the object that does
it; nothing here knows the window. Standard keys come from QKeySequence, so each platform
gets its own binding; the bindings the app promises everywhere (say Ctrl+Shift+Z for redo)
are added when a platform lacks them. Single-key shortcuts (Space, Delete, 1-4, T, J, K, ?, #)
belong to the task table alone: they must never fire while someone types into a field.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from todo_desktop.core.values import Priority, SmartList, SortKey
from todo_desktop.ui.lists.sidebar import LIST_NAMES, LIST_ORDER

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
    ("Quick add: read a recognised date, tag… as plain words", "Backspace right after it, Ctrl+Shift+Space"),
    ("Quick add: complete a #tag", "# and a letter, then Enter or Tab"),
    ("Search: move through the results while typing", "Up, Down, Page Up, Page Down in the search field"),
    ("Search: edit the title of the result chosen", "Enter in the search field"),
    ("Rename or merge the tag chosen in the sidebar", "F2 in the sidebar"),
    ("Take the tag chosen in the sidebar off its tasks", "Delete in the sidebar"),
)


class CommandId(enum.Enum):
    CONNECTIONS = enum.auto()
    QUIT = enum.auto()
    UNDO = enum.auto()
    REDO = enum.auto()
    FIND = enum.auto()
    PALETTE = enum.auto()
    NEW_TASK = enum.auto()
    EDIT_TITLE = enum.auto()
    DETAILS = enum.auto()
    TOGGLE_DONE = enum.auto()
    DELETE = enum.auto()
    SET_DUE = enum.auto()
    DUE_TODAY = enum.auto()
    DUE_TOMORROW = enum.auto()
    NEXT_TASK = enum.auto()
    PREVIOUS_TASK = enum.auto()
    EXTEND_DOWN = enum.auto()
    EXTEND_UP = enum.auto()
    RELOAD = enum.auto()
    SIGN_IN = enum.auto()
    SIGN_OUT = enum.auto()
    SIGN_OUT_EVERYWHERE = enum.auto()
    SHORTCUTS = enum.auto()
    FILTER_BY_TAG = enum.auto()
    RENAME_TAG = enum.auto()
    DELETE_TAG = enum.auto()
    IMPORT = enum.auto()
    EXPORT = enum.auto()
    BACK_UP = enum.auto()
    RESTORE_BACKUP = enum.auto()
    EXPORT_MY_DATA = enum.auto()
    DELETE_ACCOUNT = enum.auto()
    SEARCH_ALL = enum.auto()
    SHOW_UPDATED = enum.auto()  # checkable; ui.tasks.column_choice handles them
    SHOW_CREATED = enum.auto()
    REMIND_AT_DUE = enum.auto()  # checkable; ui.reminders.window_link handles it
    DIAGNOSTICS = enum.auto()


# The commands the window must bind; the undo pair comes from the undo stack itself, and the
# column choices are toggles that ``ui.tasks.column_choice.bind_view_menu`` connects.
TOGGLES = frozenset({CommandId.SHOW_UPDATED, CommandId.SHOW_CREATED, CommandId.REMIND_AT_DUE})
BOUND = frozenset(CommandId) - {CommandId.UNDO, CommandId.REDO} - TOGGLES


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


@dataclass(frozen=True)
class _Entry:
    menu: str
    command: CommandId
    text: str
    keys: list[QKeySequence]
    in_table: bool = False
    edit: bool = False  # changes tasks: off while the workspace refuses edits
    separator_before: bool = False


def _entries() -> list[_Entry]:
    # Built per call: QKeySequence needs a QGuiApplication.
    c = CommandId
    return [
        _Entry("&File", c.CONNECTIONS, "&Connections…", [QKeySequence("Ctrl+Shift+O")]),
        _Entry("&File", c.IMPORT, "&Import…", [], edit=True, separator_before=True),
        _Entry("&File", c.EXPORT, "&Export…", [QKeySequence("Ctrl+Shift+E")]),
        _Entry("&File", c.BACK_UP, "&Back Up Now", [], separator_before=True),
        _Entry("&File", c.RESTORE_BACKUP, "&Restore…", []),
        _Entry("&File", c.QUIT, "&Quit", key_list(Standard.Quit, "Ctrl+Q"), separator_before=True),
        _Entry("&Edit", c.UNDO, "", key_list(Standard.Undo, "Ctrl+Z")),
        _Entry("&Edit", c.REDO, "", key_list(Standard.Redo, "Ctrl+Shift+Z")),
        _Entry("&Edit", c.FIND, "&Find…", key_list(Standard.Find, "Ctrl+F"), separator_before=True),
        _Entry("&Edit", c.SEARCH_ALL, "Search &All Lists", [QKeySequence("Ctrl+Shift+F")]),
        _Entry("&Edit", c.PALETTE, "&Command Palette…", [QKeySequence("Ctrl+K")]),
        _Entry("&Task", c.NEW_TASK, "&New Task", key_list(Standard.New, "Ctrl+N"), edit=True),
        _Entry("&Task", c.EDIT_TITLE, "&Edit Title", key_list(None, "Return", "Enter", "F2"), True, True),
        _Entry("&Task", c.DETAILS, "Open or Save &Details", key_list(None, "Ctrl+Return", "Ctrl+Enter")),
        _Entry("&Task", c.TOGGLE_DONE, "Toggle &Done", key_list(None, "Space"), True, True, True),
        _Entry("&Task", c.DELETE, "&Delete", key_list(Standard.Delete, "Del"), True, True),
    ]


def _due_entries() -> list[_Entry]:
    c = CommandId
    return [
        _Entry("D&ue Date", c.SET_DUE, "Set Due &Date…", [QKeySequence("Ctrl+D")], edit=True),
        _Entry("D&ue Date", c.DUE_TODAY, "Due &Today", [QKeySequence("T")], True, True),
        _Entry("D&ue Date", c.DUE_TOMORROW, "Due To&morrow", [QKeySequence("Shift+T")], True, True),
    ]


def _tag_entries() -> list[_Entry]:
    c = CommandId
    return [
        _Entry("Ta&gs", c.RENAME_TAG, "&Rename or Merge Tag…", [], edit=True),
        _Entry("Ta&gs", c.DELETE_TAG, "&Delete Tag…", [], edit=True),
    ]


def _movement_entries() -> list[_Entry]:
    c = CommandId
    return [
        _Entry("&Go", c.NEXT_TASK, "&Next Task", [QKeySequence("J")], True, separator_before=True),
        _Entry("&Go", c.PREVIOUS_TASK, "&Previous Task", [QKeySequence("K")], True),
        _Entry("&Go", c.EXTEND_DOWN, "Extend Selection Down", [QKeySequence("Shift+J")], True),
        _Entry("&Go", c.EXTEND_UP, "Extend Selection Up", [QKeySequence("Shift+K")], True),
    ]


def _account_entries() -> list[_Entry]:
    c = CommandId
    return [
        _Entry("&Account", c.SIGN_IN, "Sign &In…", [QKeySequence("Ctrl+Shift+I")]),
        _Entry("&Account", c.SIGN_OUT, "Sign &Out", [QKeySequence("Ctrl+Shift+L")]),
        _Entry(
            "&Account", c.SIGN_OUT_EVERYWHERE, "Sign Out &Everywhere…", [QKeySequence("Ctrl+Alt+Shift+L")]
        ),
        _Entry("&Account", c.EXPORT_MY_DATA, "E&xport All My Data…", [], separator_before=True),
        _Entry("&Account", c.DELETE_ACCOUNT, "&Delete My Account…", []),
    ]


@dataclass
class CommandTable:
    """The window's QActions: ``table[CommandId.SIGN_IN]``, ``table.lists[SmartList.TODAY]``…"""

    window: QMainWindow
    table_view: QWidget  # single-key shortcuts live here, never in a text field
    commands: list[Command] = field(default_factory=list)  # in menu order, for palette and help
    by_id: dict[CommandId, QAction] = field(default_factory=dict)
    lists: dict[SmartList, QAction] = field(default_factory=dict)
    sorts: dict[SortKey, QAction] = field(default_factory=dict)
    priorities: dict[Priority, QAction] = field(default_factory=dict)
    edits: list[QAction] = field(default_factory=list)

    def __getitem__(self, command: CommandId) -> QAction:
        return self.by_id[command]

    def set_editable(self, refusal: str | None) -> None:
        for action in self.edits:
            action.setEnabled(refusal is None)

    def set_enabled(self, allowed: Mapping[CommandId, bool]) -> None:
        for command, enabled in allowed.items():
            self.by_id[command].setEnabled(enabled)

    def show_sort(self, key: SortKey) -> None:
        action = self.sorts.get(key)
        if action is not None:
            action.setChecked(True)

    def add(
        self,
        menu: QMenu,
        text: str,
        keys: list[QKeySequence],
        slot: Callable[[], object] | None,
        *,
        in_table: bool = False,
        action: QAction | None = None,
        edit: bool = False,
    ) -> QAction:
        made = action or QAction(text, self.window)
        made.setShortcuts(keys)
        if slot is not None:
            made.triggered.connect(lambda _checked=False: slot())
        if in_table:
            made.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.table_view.addAction(made)
        else:
            self.window.addAction(made)
        menu.addAction(made)
        self.commands.append(Command(made))
        if edit:
            self.edits.append(made)
        return made


def build_commands(
    window: QMainWindow,
    table_view: QWidget,
    undo_stack: QUndoStack,
    run: Mapping[CommandId, Callable[[], object]],
    *,
    show_list: Callable[[SmartList], object],
    set_sort: Callable[[SortKey], object],
    set_priority: Callable[[Priority], object],
) -> CommandTable:
    """The menus and every command; ``run`` gives each CommandId in ``BOUND`` its callable."""
    missing = BOUND - run.keys()
    if missing:
        raise ValueError(f"commands without a target: {sorted(c.name for c in missing)}")
    table = CommandTable(window, table_view)
    menus: dict[str, QMenu] = {}
    stock = {
        CommandId.UNDO: undo_stack.createUndoAction(window, "&Undo"),
        CommandId.REDO: undo_stack.createRedoAction(window, "&Redo"),
    }

    def place(menu: QMenu, entries: list[_Entry]) -> None:
        for entry in entries:
            if entry.separator_before:
                menu.addSeparator()
            table.by_id[entry.command] = table.add(
                menu,
                entry.text,
                entry.keys,
                run.get(entry.command),
                in_table=entry.in_table,
                action=stock.get(entry.command),
                edit=entry.edit,
            )

    bar = window.menuBar()
    for entry in _entries():
        if entry.menu not in menus:
            menus[entry.menu] = bar.addMenu(entry.menu)
        place(menus[entry.menu], [entry])
    task_menu = menus["&Task"]
    priority_menu = task_menu.addMenu("&Priority")
    for priority, key in PRIORITY_KEYS.items():
        name = f"Priority &{priority.value.capitalize()}"
        slot = partial(set_priority, priority)
        table.priorities[priority] = table.add(
            priority_menu, name, [QKeySequence(key)], slot, in_table=True, edit=True
        )
    place(task_menu.addMenu("D&ue Date"), _due_entries())
    place(task_menu.addMenu("Ta&gs"), _tag_entries())
    task_menu.addSeparator()
    made = table.by_id[CommandId.REMIND_AT_DUE] = table.add(
        task_menu, "&Remind at Due Time by Default", [], None
    )
    made.setCheckable(True)

    go = bar.addMenu("&Go")
    for number, smart_list in enumerate(LIST_ORDER, start=1):
        name, keys = f"&{LIST_NAMES[smart_list]}", [QKeySequence(f"Ctrl+{number}")]
        table.lists[smart_list] = table.add(go, name, keys, partial(show_list, smart_list))
    _add_in_table(table, go, "Filter by &Tag…", "Ctrl+T", "#", CommandId.FILTER_BY_TAG, run)
    place(go, _movement_entries())

    view = bar.addMenu("&View")
    sort_menu = view.addMenu("&Sort")
    group = QActionGroup(window)
    for key, (name, sort_key) in SORT_NAMES.items():
        made = table.add(sort_menu, name, [QKeySequence(sort_key)], partial(set_sort, key))
        made.setCheckable(True)
        group.addAction(made)
        table.sorts[key] = made
    table.by_id[CommandId.RELOAD] = table.add(
        view, "&Reload", key_list(Standard.Refresh, "F5"), run[CommandId.RELOAD]
    )
    view.addSeparator()
    for command, name in (
        (CommandId.SHOW_UPDATED, "Show &Updated Column"),
        (CommandId.SHOW_CREATED, "Show C&reated Column"),
    ):
        made = table.by_id[command] = table.add(view, name, [], run.get(command))
        made.setCheckable(True)
    # Enabled and disabled as profiles open and close (WorkspaceSwitch.allowed).
    place(bar.addMenu("&Account"), _account_entries())
    help_menu = bar.addMenu("&Help")
    table.by_id[CommandId.DIAGNOSTICS] = table.add(help_menu, "&Diagnostics…", [], run[CommandId.DIAGNOSTICS])
    _add_help(table, help_menu, run[CommandId.SHORTCUTS])  # last: its "?" alias is the last command
    return table


def _add_in_table(
    table: CommandTable,
    menu: QMenu,
    text: str,
    key: str,
    table_key: str,
    command: CommandId,
    run: Mapping[CommandId, Callable[[], object]],
) -> None:
    """A command with a window-wide key and a single key that works in the list alone."""
    slot = run[command]
    made = table.by_id[command] = table.add(menu, text, [QKeySequence(key)], slot)
    alias = QAction(plain_name(made), table.window)
    alias.setShortcut(QKeySequence(table_key))
    alias.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    alias.triggered.connect(lambda _checked=False: slot())
    table.table_view.addAction(alias)
    table.commands[-1] = Command(made, (alias,))


def _add_help(table: CommandTable, menu: QMenu, show_shortcuts: Callable[[], object]) -> None:
    keys = key_list(Standard.HelpContents, "F1")
    shortcuts = table.by_id[CommandId.SHORTCUTS] = table.add(
        menu, "&Keyboard Shortcuts", keys, show_shortcuts
    )
    # "?" as well, but only in the list: in a field it is just a question mark.
    question = QAction("Keyboard Shortcuts", table.window)
    question.setShortcut(QKeySequence("?"))
    question.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    question.triggered.connect(lambda _checked=False: show_shortcuts())
    table.table_view.addAction(question)
    table.commands[-1] = Command(shortcuts, (question,))
