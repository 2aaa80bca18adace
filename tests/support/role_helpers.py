"""Client roles made and dropped for one test, and the ways a test reaches them.

Role names are server-wide, so each carries a unique suffix and is dropped at the end,
whether the test made it through the data layer or through the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Connection

from tests.support import database
from tests.support.repo import ROOT
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.roles import DEFAULT_LIMITS, ClientLimits, create_client_role


@dataclass(frozen=True)
class Role:
    name: str
    password: str | None
    url: str


@contextmanager
def as_owner(test_db: database.TestDatabase, url: str | None = None) -> Iterator[Connection]:
    """A connection as the owner (or as ``url``'s role), its engine disposed after."""
    engine = create_db_engine(parse_database_url(url or test_db.owner_url), pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


class RoleMaker:
    """Makes client roles the way the admin command does, and drops them at the end."""

    def __init__(self, test_db: database.TestDatabase) -> None:
        self.test_db = test_db
        self.names: list[str] = []

    def name(self, stem: str) -> str:
        made = f"t_{stem}_{uuid.uuid4().hex[:10]}"
        self.names.append(made)
        return made

    def __call__(self, stem: str, limits: ClientLimits = DEFAULT_LIMITS) -> Role:
        name = self.name(stem)
        with as_owner(self.test_db) as conn:
            password = create_client_role(conn, name, limits=limits)
            conn.commit()
        return Role(name, password, self.test_db.cluster.url(self.test_db.name, name, password))

    def drop_all(self) -> None:
        with self.test_db.superuser() as su:
            su.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = ANY(%s)",
                (self.names,),
            )
            for name in self.names:
                su.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def connect(url: str) -> psycopg.Connection:
    """A raw connection as that role: what a person holding its credentials would use."""
    return psycopg.connect(database._dsn(url), autocommit=True)


def as_superuser(test_db: database.TestDatabase, statement: sql.Composable) -> None:
    with test_db.superuser() as su:
        su.execute(statement)


def alter_role_set(test_db: database.TestDatabase, role: str, setting: str, value: str) -> None:
    """An admin changing a role's settings: they apply to the role's next connections."""
    as_superuser(
        test_db,
        sql.SQL("ALTER ROLE {} SET {} = {}").format(
            sql.Identifier(role), sql.Identifier(setting), sql.Literal(value)
        ),
    )


def open_database(role: Role) -> Database:
    """The app's data layer as that role: one pooled connection, a short retry budget."""
    target = parse_database_url(role.url)
    return Database(create_db_engine(target, pool_size=1, max_overflow=0), target, retry_budget=1.0)


def sign_up(db: Database, who: str) -> str:
    """A new account's session token."""
    accounts = AccountService(db, kdf_cost=MINIMUM_COST)
    email = f"{who.lower()}-{uuid.uuid4().hex[:6]}@example.com"
    accounts.register(email, who, "Tester", database.PASSWORD)
    return accounts.sign_in(email, database.PASSWORD).token


def one_sentence(message: str) -> bool:
    return message.endswith(".") and message.count(". ") == 0 and "\n" not in message


def todo_desktop(*args: str, home: Path, owner_url: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line in a process of its own, with a throwaway home folder, and the
    owner URL where an admin would keep it (or none)."""
    env = {**os.environ, "TODO_DESKTOP_HOME": str(home)}
    env.pop("TODO_DATABASE_URL", None)
    if owner_url is not None:
        env["TODO_DATABASE_URL"] = owner_url
    return subprocess.run(
        [sys.executable, "-m", "todo_desktop", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
