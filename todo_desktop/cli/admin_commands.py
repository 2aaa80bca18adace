"""Explicit admin steps for a shared database: the app never migrates one by itself."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from todo_desktop.core.errors import ConfigurationError
from todo_desktop.core.profiles import is_pooler_host
from todo_desktop.db.connect.engine import single_connection
from todo_desktop.db.connect.pooler_probe import shares_server_connections
from todo_desktop.db.connect.urls import ConnectionTarget, parse_database_url
from todo_desktop.db.roles import (
    DEFAULT_LIMITS,
    ClientLimits,
    ClientRole,
    check_role_name,
    client_url,
    create_client_role,
    disable_client_role,
    list_client_roles,
    rls_bypass_warning,
)
from todo_desktop.db.schema import migrate
from todo_desktop.db.schema.migrate import SchemaState

URL_ENV = "TODO_DATABASE_URL"
NEEDS_DIRECT = "This command needs the direct host, not a pooled endpoint"


def _target(url: str | None, *, direct: bool) -> ConnectionTarget:
    raw = url or os.environ.get(URL_ENV)
    if not raw:
        raise ConfigurationError(f"Give --database-url or set {URL_ENV}.")
    target = parse_database_url(raw)
    if direct:
        _refuse_pooled(target)
    return target


def direct_target(url: str | None) -> ConnectionTarget:
    """The URL given (or in ``TODO_DATABASE_URL``), refused if it is a pooled endpoint."""
    return _target(url, direct=True)


def _refuse_pooled(target: ConnectionTarget) -> None:
    """Migrations and role changes need one server connection for their whole session."""
    host = target.url.host or ""
    if target.pooled:
        hint = (
            "remove '-pooler' from the host name"
            if is_pooler_host(host)
            else "use the PostgreSQL server's own host and port"
        )
        raise ConfigurationError(f"{NEEDS_DIRECT}: {hint}.")
    # The name says nothing about a self-hosted PgBouncer, so ask the server itself.
    if shares_server_connections(target):
        where = f"{host}:{target.url.port}" if host and target.url.port else target.display_host
        raise ConfigurationError(
            f"{NEEDS_DIRECT}: {where} hands one server connection to several clients, as "
            "PgBouncer in transaction mode does, so use the PostgreSQL server's own host and port."
        )


def _raw(target: ConnectionTarget) -> str:
    return target.url.render_as_string(hide_password=False)


def db_upgrade(url: str | None, out: TextIO | None = None) -> int:
    """Upgrade to this app's schema. When another session keeps the migration lock past the
    wait (``TODO_MIGRATION_LOCK_WAIT``, 30 s by default), this raises MigrationLockTimeout, a
    ConfigurationError the command line prints as its one sentence, and nothing is changed."""
    out = out or sys.stdout
    target = _target(url, direct=True)
    with single_connection(target) as conn:
        before = migrate.schema_status(conn)
    if before.state is SchemaState.NEWER:
        print(before.message, file=out)
        return 1
    migrate.upgrade(_raw(target))
    print(
        f"Upgraded {target.redacted()} from {before.database_revision or 'empty'} "
        f"to {migrate.head_revision()}.",
        file=out,
    )
    return 0


def db_current(url: str | None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    target = _target(url, direct=False)
    with single_connection(target) as conn:
        status = migrate.schema_status(conn)
        warning = rls_bypass_warning(conn) if status.state is SchemaState.CURRENT else None
    print(status.message, file=out)
    if warning:
        print(warning, file=out)
    return 0 if status.state is SchemaState.CURRENT else 1


def admin_create_client_role(
    name: str,
    url: str | None,
    out: TextIO | None = None,
    *,
    connection_limit: int | None = DEFAULT_LIMITS.connection_limit,
) -> int:
    out = out or sys.stdout
    check_role_name(name)
    limits = ClientLimits(connection_limit=connection_limit)  # a bad limit is refused before connecting
    target = _target(url, direct=True)
    with single_connection(target, transaction=True) as conn:
        migrate.schema_status(conn).require_current()
        password = create_client_role(conn, name, limits=limits)
    client = client_url(target.url, name, password)
    print(f"Created role {name}: a member of todo_app only, subject to row-level security.", file=out)
    settings = ", ".join(f"{key}={value}" for key, value in limits.settings().items())
    most = "any number of" if limits.connection_limit is None else f"at most {limits.connection_limit}"
    print(f"It may hold {most} connections at once; {settings}.", file=out)
    print("Client connection URL (the password is shown only this once):", file=out)
    print(f"  {client.render_as_string(hide_password=False)}", file=out)
    host = target.url.host or ""
    if host.endswith(".neon.tech") and "-pooler" not in host:
        first, _, rest = host.partition(".")
        pooled = client.set(host=f"{first}-pooler.{rest}")
        print("For many clients, use Neon's pooled endpoint instead:", file=out)
        print(f"  {pooled.render_as_string(hide_password=False)}", file=out)
    return 0


_COLUMNS = ("role", "login", "limit", "open", "settings", "note")


def _row(role: ClientRole) -> tuple[str, ...]:
    return (
        role.name,
        "yes" if role.can_login else "no",
        "none" if role.connection_limit is None else str(role.connection_limit),
        str(role.connections),
        ", ".join(role.settings) or "-",
        "" if role.plain else "NOT a plain client: " + "; ".join(role.concerns),
    )


def role_table(roles: list[ClientRole]) -> list[str]:
    """The roles as aligned text columns, a header first."""
    rows = [_COLUMNS, *(_row(role) for role in roles)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def admin_list_client_roles(url: str | None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    target = _target(url, direct=True)
    with single_connection(target) as conn:
        roles = list_client_roles(conn)
    if not roles:
        print(
            "There are no client roles yet; make one per person with "
            "'todo-desktop admin create-client-role NAME'.",
            file=out,
        )
        return 0
    for line in role_table(roles):
        print(line, file=out)
    odd = sum(not role.plain for role in roles)
    summary = f"{len(roles)} client role{'s' if len(roles) != 1 else ''} on this server"
    if odd:
        summary += f"; {odd} can do more than a client should (see the note)"
    print(f"{summary}.", file=out)
    return 0


def admin_disable_client_role(name: str, url: str | None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    target = _target(url, direct=True)
    with single_connection(target) as conn:
        disabled = disable_client_role(conn, name)
    ended = disabled.ended_connections
    sessions = (
        "it had no open connections"
        if ended == 0
        else "its open connection was ended"
        if ended == 1
        else f"its {ended} open connections were ended"
    )
    print(f"Disabled role {disabled.name}: it can no longer log in, and {sessions}.", file=out)
    return 0
