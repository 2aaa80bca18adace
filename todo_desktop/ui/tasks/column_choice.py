"""The View menu's column choices: "Updated" and "Created" are hidden until asked for, and
the choice is remembered between runs."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTableView

from todo_desktop.ui.command_table import CommandId, CommandTable
from todo_desktop.ui.tasks.columns import Column

SHOWN_KEYS = {
    Column.UPDATED: "table/show_updated",
    Column.CREATED: "table/show_created",
}
COMMANDS = {Column.UPDATED: CommandId.SHOW_UPDATED, Column.CREATED: CommandId.SHOW_CREATED}


def bind_view_menu(table: CommandTable, view: QTableView, settings: QSettings | None) -> None:
    """Show each optional column as last chosen (hidden by default) and follow its menu entry.

    Call it after the column widths are restored: the saved header state carries hidden
    columns of its own, and this choice is the one that counts.
    """
    for column, key in SHOWN_KEYS.items():
        shown = bool(settings.value(key, False, type=bool)) if settings is not None else False
        view.setColumnHidden(column, not shown)
        action = table[COMMANDS[column]]
        action.setChecked(shown)
        action.toggled.connect(lambda on, c=column: _show(view, settings, c, on))


def _show(view: QTableView, settings: QSettings | None, column: Column, shown: bool) -> None:
    view.setColumnHidden(column, not shown)
    if shown and view.columnWidth(column) == 0:
        view.resizeColumnToContents(column)
    if settings is not None:
        settings.setValue(SHOWN_KEYS[column], shown)
