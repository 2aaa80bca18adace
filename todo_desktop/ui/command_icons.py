"""Which glyph each menu command shows.

Icons are decoration: the text, keys and accessible names stay as the command table made
them. Toggles (the columns shown, the default reminder) have none: a menu draws their check
mark where the icon would go.
"""

from __future__ import annotations

from todo_desktop.core.values import Priority
from todo_desktop.ui.chrome.icons import Glyph, IconSet, icon_set
from todo_desktop.ui.command_table import CommandId, CommandTable
from todo_desktop.ui.lists.sidebar import LIST_GLYPHS

_C = CommandId
COMMAND_GLYPHS: dict[CommandId, Glyph] = {
    _C.CONNECTIONS: Glyph.DATABASE,
    _C.IMPORT: Glyph.IMPORT,
    _C.EXPORT: Glyph.EXPORT,
    _C.BACK_UP: Glyph.BACKUP,
    _C.RESTORE_BACKUP: Glyph.RESTORE,
    _C.QUIT: Glyph.QUIT,
    _C.UNDO: Glyph.UNDO,
    _C.REDO: Glyph.REDO,
    _C.FIND: Glyph.SEARCH,
    _C.SEARCH_ALL: Glyph.SEARCH,
    _C.PALETTE: Glyph.COMMAND,
    _C.NEW_TASK: Glyph.NEW_TASK,
    _C.EDIT_TITLE: Glyph.EDIT,
    _C.DETAILS: Glyph.DETAILS,
    _C.TOGGLE_DONE: Glyph.COMPLETED,
    _C.DELETE: Glyph.DELETE,
    _C.SET_DUE: Glyph.CALENDAR,
    _C.DUE_TODAY: Glyph.TODAY,
    _C.DUE_TOMORROW: Glyph.UPCOMING,
    _C.RENAME_TAG: Glyph.EDIT,
    _C.DELETE_TAG: Glyph.DELETE,
    _C.FILTER_BY_TAG: Glyph.TAG,
    _C.NEXT_TASK: Glyph.NEXT,
    _C.PREVIOUS_TASK: Glyph.PREVIOUS,
    _C.RELOAD: Glyph.REFRESH,
    _C.SIGN_IN: Glyph.SIGN_IN,
    _C.SIGN_OUT: Glyph.SIGN_OUT,
    _C.SIGN_OUT_EVERYWHERE: Glyph.SIGN_OUT,
    _C.EXPORT_MY_DATA: Glyph.EXPORT,
    _C.DELETE_ACCOUNT: Glyph.DELETE,
    _C.DIAGNOSTICS: Glyph.DIAGNOSTICS,
    _C.SHORTCUTS: Glyph.KEYBOARD,
}
PRIORITY_GLYPHS = {
    Priority.LOW: Glyph.PRIORITY_LOW,
    Priority.MEDIUM: Glyph.PRIORITY_MEDIUM,
    Priority.HIGH: Glyph.PRIORITY_HIGH,
    Priority.URGENT: Glyph.PRIORITY_URGENT,
}


def dress_commands(table: CommandTable, icons: IconSet | None = None) -> CommandTable:
    """Give the table's actions their glyphs, kept in the palette's colours; returns the table."""
    icons = icons or icon_set()
    for command, glyph in COMMAND_GLYPHS.items():
        action = table.by_id.get(command)
        if action is not None:
            icons.attach(action, glyph)
    for smart_list, action in table.lists.items():
        icons.attach(action, LIST_GLYPHS[smart_list])
    for priority, action in table.priorities.items():
        icons.attach(action, PRIORITY_GLYPHS[priority])
    return table
