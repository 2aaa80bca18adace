"""Explicit admin steps for a shared database: the app never migrates one by itself."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from todo_desktop.db import migrate
from todo_desktop.db.engine import single_connection
from todo_desktop.db.migrate import SchemaState
from todo_desktop.db.pooler_probe import shares_server_connections
from todo_desktop.db.roles import check_role_name, client_url, create_client_role, rls_bypass_warning
from todo_desktop.db.urls import ConnectionTarget, parse_database_url
from todo_desktop.errors import ConfigurationError
from todo_desktop.profiles import is_pooler_host

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


def admin_create_client_role(name: str, url: str | None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    check_role_name(name)
    target = _target(url, direct=True)
    with single_connection(target, transaction=True) as conn:
        migrate.schema_status(conn).require_current()
        password = create_client_role(conn, name)
    client = client_url(target.url, name, password)
    print(f"Created role {name}: a member of todo_app only, subject to row-level security.", file=out)
    print("Client connection URL (the password is shown only this once):", file=out)
    print(f"  {client.render_as_string(hide_password=False)}", file=out)
    host = target.url.host or ""
    if host.endswith(".neon.tech") and "-pooler" not in host:
        first, _, rest = host.partition(".")
        pooled = client.set(host=f"{first}-pooler.{rest}")
        print("For many clients, use Neon's pooled endpoint instead:", file=out)
        print(f"  {pooled.render_as_string(hide_password=False)}", file=out)
    return 0
