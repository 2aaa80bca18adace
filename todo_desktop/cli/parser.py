"""The command line: no arguments opens the window; the rest are headless."""

from __future__ import annotations

import argparse

from todo_desktop import APP_NAME, __version__

# The same default as todo_desktop.db.roles, which this module must not import: the
# command line parses before SQLAlchemy is loaded.
DEFAULT_CONNECTION_LIMIT = 10


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    return parser
