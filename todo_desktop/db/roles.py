"""Client login roles: members of todo_app and nothing else, so RLS always applies."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from todo_desktop.errors import ConfigurationError, ConflictError

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_role_name(name: str) -> str:
    if not _ROLE_NAME.match(name):
        raise ConfigurationError(
            "A role name is 1 to 63 lower-case letters, digits or underscores, not starting with a digit."
        )
    if name.startswith("pg_") or name == "todo_app":
        raise ConfigurationError(f"{name!r} is reserved; choose another role name.")
    return name


def create_client_role(conn: Connection, name: str, *, with_password: bool = True) -> str | None:
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
    ddl = conn.execute(
        text(
            "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            "NOREPLICATION NOBYPASSRLS INHERIT', CAST(:n AS text))"
        ),
        {"n": name},
    ).scalar_one()
    conn.exec_driver_sql(ddl + clause)
    conn.exec_driver_sql(f'GRANT todo_app TO "{name}"')
    return password


def ensure_client_role(conn: Connection, name: str) -> None:
    """For the embedded server, where peer authentication replaces passwords."""
    if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
        create_client_role(conn, name, with_password=False)


def client_url(owner_url: URL, role: str, password: str | None) -> URL:
    return owner_url.set(username=role, password=password).set(drivername="postgresql")


def rls_bypass_warning(conn: Connection) -> str | None:
    """One loud sentence if this connection's role would not be subject to RLS."""
    row = conn.execute(
        text(
            "SELECT r.rolsuper, r.rolbypassrls, "
            "pg_has_role(current_user, c.relowner, 'USAGE') AS owns "
            "FROM pg_roles r, pg_class c "
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
    if why is None:
        return None
    return (
        f"Warning: this connection's role {why}, so the database does not enforce who sees "
        "what; connect with a client role made by 'todo-desktop admin create-client-role'."
    )
