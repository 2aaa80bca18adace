"""The command line: no arguments opens the window; the rest are headless."""

from __future__ import annotations

import argparse
import os
from typing import Any

from todo_desktop import APP_NAME, __version__

# The same default as todo_desktop.db.roles, which this module must not import: the
# command line parses before SQLAlchemy is loaded.
DEFAULT_CONNECTION_LIMIT = 10


class _Formatter(argparse.HelpFormatter):
    """argparse makes a formatter for every argument added, and by default each asks
    shutil for the terminal's width: importing shutil is about 10 ms, a tenth of what
    ``todo-desktop add`` may take. The same width, asked of the OS directly."""

    def __init__(self, prog: str) -> None:
        try:
            width = int(os.environ.get("COLUMNS", "0"))
        except ValueError:
            width = 0
        if width <= 0:
            try:
                width = os.get_terminal_size().columns
            except OSError:  # not a terminal
                width = 80
        super().__init__(prog, width=width - 2)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser with that formatter; the subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="todo-desktop",
        description=f"{APP_NAME}: a keyboard-first task manager on PostgreSQL.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="run the whole stack headless on a throwaway database and exit 0 if it works",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details to the console")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = commands.add_parser("db", help="schema steps for a shared database (owner URL, direct host)")
    db_commands = db.add_subparsers(dest="db_command", metavar="STEP", required=True)
    for name, text in (
        ("upgrade", "upgrade the schema to this app's version"),
        ("current", "say whether the schema matches this app"),
    ):
        step = db_commands.add_parser(name, help=text)
        step.add_argument("--database-url", help="defaults to $TODO_DATABASE_URL")
    backup = db_commands.add_parser("backup", help="write a pg_dump (custom format) of the database to FILE")
    backup.add_argument("file", metavar="FILE", help="the file to write (replaced when the new one is whole)")
    backup.add_argument("--database-url", help="a role that reads every row; defaults to $TODO_DATABASE_URL")

    admin = commands.add_parser("admin", help="administration of a shared database")
    admin_commands = admin.add_subparsers(dest="admin_command", metavar="STEP", required=True)
    role = admin_commands.add_parser(
        "create-client-role", help="create a login role for clients and print its connection URL"
    )
    role.add_argument("name", help="the new role's name (lower-case letters, digits, underscores)")
    role.add_argument("--database-url", help="the owner's URL; defaults to $TODO_DATABASE_URL")
    role.add_argument(
        "--connection-limit",
        type=int,
        default=DEFAULT_CONNECTION_LIMIT,
        metavar="N",
        help=f"how many connections the role may hold at once (default {DEFAULT_CONNECTION_LIMIT})",
    )
    listing = admin_commands.add_parser(
        "list-client-roles", help="list the client roles with their limits, settings and open connections"
    )
    listing.add_argument("--database-url", help="the owner's URL; defaults to $TODO_DATABASE_URL")
    disable = admin_commands.add_parser(
        "disable-client-role", help="stop a client role logging in and end its open connections"
    )
    disable.add_argument("name", help="the client role to disable")
    disable.add_argument("--database-url", help="the owner's URL; defaults to $TODO_DATABASE_URL")
    _capture_commands(commands)
    _transfer_commands(commands)
    return parser


def _capture_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``add``, ``list`` and ``done`` (todo_desktop.cli.capture)."""
    add = commands.add_parser(
        "add",
        help="add a task, read as quick add reads it ('Call mom tomorrow at 5pm !high #family')",
        description="Add a task. With the window open it appears there at once.",
    )
    add.add_argument("text", nargs="+", metavar="TEXT", help="the task, in the quick-add language")
    add.add_argument("--dry-run", action="store_true", help="print what would be added, add nothing")
    add.add_argument(
        "--now", metavar="ISO-8601", help="the moment relative dates count from (default: now; zone: TZ)"
    )
    done = commands.add_parser("done", help="complete tasks by the start of their id (see list)")
    done.add_argument("ids", nargs="+", metavar="ID-PREFIX", help="at least 4 hex digits of a task's id")
    listing = commands.add_parser("list", help="print the tasks of a list, one a line, with a short id")
    listing.add_argument(
        "--list",
        default="inbox",
        metavar="LIST",
        help="inbox (default), today, upcoming, overdue, completed, or #tag",
    )
    for command in (add, listing, done):
        command.add_argument("--profile", metavar="NAME", help="a connection profile's name (default: Local)")
        # SUPPRESS: given before the command, -v is not undone by this default.
        command.add_argument(
            "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log debug details"
        )
    for command in (add, listing):
        command.add_argument("--json", action="store_true", help="print JSON instead of text")


IMPORT_FORMATS = ("auto", "json", "csv", "todoist", "google", "ticktick", "taskwarrior", "ical")
EXPORT_FORMATS = ("json", "csv", "taskwarrior", "ical")


def _transfer_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``import`` and ``export`` (todo_desktop.cli.transfer_commands)."""
    into = commands.add_parser(
        "import",
        help="import tasks from a file (this app's JSON or CSV, Todoist CSV, Google Takeout, TickTick, "
        "Taskwarrior, iCalendar)",
        description="Import tasks from a file. Running it again adds only what is missing.",
    )
    into.add_argument("file", metavar="FILE")
    into.add_argument("--format", default="auto", choices=IMPORT_FORMATS, help="default: from the contents")
    into.add_argument("--yes", action="store_true", help="import without asking when rows would be skipped")
    out = commands.add_parser("export", help="write every task to a file")
    out.add_argument("file", metavar="FILE")
    out.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    for command in (into, out):
        command.add_argument("--profile", metavar="NAME", help="a connection profile's name (default: Local)")
