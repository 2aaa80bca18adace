"""Client login roles: one per person, a member of todo_app and nothing else.

So row-level security always applies, and nobody signs in with a role that someone else
can change: a role may alter its own password and defaults, which with a shared role
would lock everyone out.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, text
from sqlalchemy.engine import URL

from todo_desktop.core.errors import ConfigurationError, ConflictError

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MAX_CONNECTION_LIMIT = 1000
# How long pg_terminate_backend waits for each ended session to be gone, in ms.
_END_WAIT_MS = 5000
NO_APP_ROLE = "This server has no role todo_app yet; run 'todo-desktop db upgrade' first."


def check_role_name(name: str) -> str:
    if not _ROLE_NAME.match(name):
        raise ConfigurationError(
            "A role name is 1 to 63 lower-case letters, digits or underscores, not starting with a digit."
        )
    if name.startswith("pg_") or name == "todo_app":
        raise ConfigurationError(f"{name!r} is reserved; choose another role name.")
    return name


def _duration(ms: int) -> str:
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"


@dataclass(frozen=True, slots=True)
class ClientLimits:
    """What one role may hold: server connections (so one person cannot use them all up),
    and how long a statement, a lock wait or an idle open transaction may last (so one
    person cannot hold locks or a backend for everyone else)."""

    # None means no limit: only for the embedded server, which its owner alone can reach.
    connection_limit: int | None = 10
    statement_timeout_ms: int = 30_000
    lock_timeout_ms: int = 5_000
    idle_in_transaction_session_timeout_ms: int = 60_000

    def __post_init__(self) -> None:
        if self.connection_limit is not None and not 1 <= self.connection_limit <= MAX_CONNECTION_LIMIT:
            raise ConfigurationError(
                f"The connection limit must be a whole number from 1 to {MAX_CONNECTION_LIMIT}."
            )
        timeouts = (
            self.statement_timeout_ms,
            self.lock_timeout_ms,
            self.idle_in_transaction_session_timeout_ms,
        )
        if min(timeouts) < 1:  # zero would mean no limit at all
            raise ConfigurationError("Each time limit of a role must be at least one millisecond.")

    def settings(self) -> dict[str, str]:
        """The role-level settings, as ``ALTER ROLE ... SET`` takes them."""
        return {
            "statement_timeout": _duration(self.statement_timeout_ms),
            "lock_timeout": _duration(self.lock_timeout_ms),
            "idle_in_transaction_session_timeout": _duration(self.idle_in_transaction_session_timeout_ms),
        }


DEFAULT_LIMITS = ClientLimits()


def create_client_role(
    conn: Connection, name: str, *, with_password: bool = True, limits: ClientLimits = DEFAULT_LIMITS
) -> str | None:
    """Create login role ``name`` as a member of todo_app only; returns its new password.

    The password is hashed to a SCRAM verifier on this machine, so the plaintext never
    reaches the server's statement log.
    """
    check_role_name(name)
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
        raise ConflictError(f"A role named {name} already exists.")
    password = secrets.token_urlsafe(24) if with_password else None
    clause = ""
    if password is not None:
        pgconn = conn.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
        verifier = pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
        clause = conn.execute(
            text("SELECT format(' PASSWORD %L', CAST(:v AS text))"), {"v": verifier.decode()}
        ).scalar_one()
    limit = -1 if limits.connection_limit is None else limits.connection_limit
    ddl = conn.execute(
        text(
            "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            "NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT %s', CAST(:n AS text), CAST(:l AS int))"
        ),
        {"n": name, "l": limit},
    ).scalar_one()
    conn.exec_driver_sql(ddl + clause)
    conn.exec_driver_sql(f'GRANT todo_app TO "{name}"')
    # The name passed check_role_name and the values come from whole numbers: nothing to quote.
    for setting, value in limits.settings().items():
        conn.exec_driver_sql(f"ALTER ROLE \"{name}\" SET {setting} = '{value}'")
    return password


def ensure_client_role(conn: Connection, name: str) -> None:
    """For the embedded server, where peer authentication replaces passwords."""
    if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
        create_client_role(conn, name, with_password=False, limits=ClientLimits(connection_limit=None))


def client_url(owner_url: URL, role: str, password: str | None) -> URL:
    return owner_url.set(username=role, password=password).set(drivername="postgresql")


@dataclass(frozen=True, slots=True)
class ClientRole:
    """One member of todo_app, as an admin reviews it."""

    name: str
    can_login: bool
    connection_limit: int | None  # None: no limit
    connections: int  # open now, in every database of the server
    settings: tuple[str, ...]  # "name=value", a database's own ones marked "(in db)"
    concerns: tuple[str, ...]  # why it is more than a plain client; empty when it is one

    @property
    def plain(self) -> bool:
        return not self.concerns


@dataclass(frozen=True, slots=True)
class DisabledRole:
    name: str
    ended_connections: int


# A direct member of todo_app. Since PostgreSQL 16 the creator of a role holds an
# ADMIN-only grant on it (no INHERIT, no SET): that makes an admin of todo_app, not a
# client. Earlier versions have neither column, hence the detour through jsonb.
_CLIENTS = """
WITH app AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'todo_app')
SELECT r.oid, r.rolname, r.rolcanlogin, r.rolconnlimit, r.rolsuper, r.rolbypassrls,
       r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolname = current_user AS is_me
FROM pg_catalog.pg_roles r, app
WHERE EXISTS (
    SELECT 1 FROM pg_catalog.pg_auth_members m
    WHERE m.member = r.oid AND m.roleid = app.oid
      AND coalesce((to_jsonb(m) ->> 'inherit_option')::boolean
                   OR (to_jsonb(m) ->> 'set_option')::boolean, true))
"""
_LIST = f"""
SELECT c.rolname, c.rolcanlogin, c.rolconnlimit, c.rolsuper, c.rolbypassrls, c.rolcreaterole,
       c.rolcreatedb, c.rolreplication,
       (SELECT count(*) FROM pg_catalog.pg_stat_activity a WHERE a.usesysid = c.oid) AS connections,
       ARRAY(SELECT v.setting || CASE WHEN s.setdatabase = 0 THEN ''
                                      ELSE ' (in ' || coalesce(d.datname, '?') || ')' END
             FROM pg_catalog.pg_db_role_setting s
             LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
             CROSS JOIN LATERAL unnest(s.setconfig) WITH ORDINALITY AS v(setting, n)
             WHERE s.setrole = c.oid
             ORDER BY s.setdatabase, v.n) AS settings,
       ARRAY(SELECT g.rolname FROM pg_catalog.pg_auth_members o
             JOIN pg_catalog.pg_roles g ON g.oid = o.roleid
             WHERE o.member = c.oid AND g.rolname <> 'todo_app'
             ORDER BY g.rolname) AS other_roles
FROM ({_CLIENTS}) AS c
ORDER BY c.rolname
"""


def _require_app_role(conn: Connection) -> None:
    if conn.execute(text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'todo_app'")).first() is None:
        raise ConfigurationError(NO_APP_ROLE)


def _concerns(row: Row[Any]) -> tuple[str, ...]:
    flags = (
        ("rolsuper", "superuser"),
        ("rolbypassrls", "bypasses row-level security"),
        ("rolcreaterole", "can create roles"),
        ("rolcreatedb", "can create databases"),
        ("rolreplication", "can replicate"),
    )
    found = [what for column, what in flags if getattr(row, column)]
    others = sorted(set(row.other_roles))
    if others:
        found.append("also a member of " + ", ".join(others))
    return tuple(found)


def list_client_roles(conn: Connection) -> list[ClientRole]:
    """Every member of todo_app on this server (roles are server-wide), by name."""
    _require_app_role(conn)
    return [
        ClientRole(
            name=row.rolname,
            can_login=row.rolcanlogin,
            connection_limit=None if row.rolconnlimit < 0 else row.rolconnlimit,
            connections=row.connections,
            settings=tuple(row.settings),
            concerns=_concerns(row),
        )
        for row in conn.execute(text(_LIST))
    ]


def disable_client_role(conn: Connection, name: str) -> DisabledRole:
    """Stop role ``name`` logging in, then end its open connections.

    Commits on ``conn``, so pass one outside any ``begin()`` block: NOLOGIN must be
    committed before the sessions end, or a client that reconnects at once gets back in.
    """
    _require_app_role(conn)
    row = conn.execute(text(f"SELECT * FROM ({_CLIENTS}) AS c WHERE c.rolname = :n"), {"n": name}).first()
    if row is None:
        raise ConfigurationError(
            f"{name!r} is not a client role (a member of todo_app), so nothing was changed."
        )
    if row.is_me:
        raise ConfigurationError(f"{name} is the role of this connection; disable it from another role.")
    conn.exec_driver_sql(
        conn.execute(
            text("SELECT format('ALTER ROLE %I NOLOGIN', CAST(:n AS text))"), {"n": name}
        ).scalar_one()
    )
    conn.commit()
    return DisabledRole(name, _end_sessions(conn, name))


def _end_sessions(conn: Connection, name: str) -> int:
    """End every session of role ``name``; how many ended.

    Only a role with the privileges of ``name`` (or pg_signal_backend) may end its
    sessions. The owner may grant itself the role; the grant is rolled back with this
    transaction, so no other session ever sees it.
    """
    try:
        if not conn.execute(text("SELECT pg_has_role(current_user, :n, 'USAGE')"), {"n": name}).scalar_one():
            grant = conn.execute(
                text("SELECT format('GRANT %I TO CURRENT_USER', CAST(:n AS text))"), {"n": name}
            ).scalar_one()
            conn.exec_driver_sql(grant)
        ended = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid, :wait)) "
                "FROM pg_catalog.pg_stat_activity a "
                "WHERE a.usesysid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = :n) "
                "AND a.pid <> pg_backend_pid()"
            ),
            {"n": name, "wait": _END_WAIT_MS},
        ).scalar_one()
    finally:
        conn.rollback()
    return int(ended)


def rls_bypass_warning(conn: Connection) -> str | None:
    """One loud sentence if this connection's role would not be subject to RLS."""
    row = conn.execute(
        text(
            "SELECT r.rolsuper, r.rolbypassrls, "
            "pg_has_role(current_user, c.relowner, 'USAGE') AS owns, "
            "has_database_privilege(current_database(), 'TEMPORARY') AS temp "
            "FROM pg_catalog.pg_roles r, pg_catalog.pg_class c "
            "WHERE r.rolname = current_user AND c.oid = 'public.tasks'::regclass"
        )
    ).first()
    if row is None:
        return None
    why = (
        "is a superuser"
        if row.rolsuper
        else "has BYPASSRLS"
        if row.rolbypassrls
        else "owns the tables"
        if row.owns
        else None
    )
    if why is None and row.temp:
        # Through a pooler, a temporary object one client leaves on a server connection
        # would shadow names for the next; the schema revokes this, so someone undid it.
        return (
            "Warning: clients may create temporary objects in this database, which lets one "
            "person trap another's queries; its admin should run 'todo-desktop db upgrade'."
        )
    if why is None:
        return None
    return (
        f"Warning: this connection's role {why}, so the database does not enforce who sees "
        "what; connect with a client role made by 'todo-desktop admin create-client-role'."
    )
