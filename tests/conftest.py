"""Test databases on a real PostgreSQL.

By default the session starts its own embedded server in a temporary folder;
``TODO_TEST_DATABASE_URL`` (a superuser URL) points the suite at another server.
``TODO_TEST_POOLER`` (``host:port`` of a PgBouncer in transaction mode in front of that
server, see ``.ci/pgbouncer-up``) sends the client role's connections through the pooler,
as through Neon's ``-pooler`` endpoint; the owner and superuser keep the direct server.
The schema is migrated once, by a non-superuser owner role (as on Neon), into a
template database; each test gets a fresh copy of it.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from psycopg import sql

from tests.support.blank_database import blank_database
from tests.support.database import PASSWORD, PgCluster, Roles, TestDatabase
from tests.support.faultproxy import FaultProxy
from tests.support.memory_keyring import MemoryKeyring
from todo_desktop.core.values import SignedIn
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.roles import ClientLimits, create_client_role
from todo_desktop.db.schema import migrate
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.db.tasks import TaskRepository

_EXIT_STATUS = pytest.StashKey[int]()
SUFFIX = f"{os.getpid()}_{secrets.token_hex(3)}"
OWNER_ROLE = f"todo_owner_{SUFFIX}"
CLIENT_ROLE = f"todo_client_{SUFFIX}"
TEMPLATE_DB = f"todo_tpl_{SUFFIX}"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    external = os.environ.get("TODO_TEST_DATABASE_URL")
    if external:
        yield PgCluster(external)
        return
    folder = Path(tempfile.mkdtemp(prefix="todo-test-"))
    server = EmbeddedServer(folder)
    server.start()
    try:
        yield PgCluster(server.url("postgres", "postgres"))
    finally:
        server.stop()


@pytest.fixture(scope="session")
def roles(pg_cluster: PgCluster) -> Iterator[Roles]:
    owner_pw = secrets.token_urlsafe(16)
    with pg_cluster.admin() as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS PASSWORD {}").format(
                sql.Identifier(OWNER_ROLE), sql.Literal(owner_pw)
            )
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(TEMPLATE_DB), sql.Identifier(OWNER_ROLE)
            )
        )
    migrate.upgrade(pg_cluster.url(TEMPLATE_DB, OWNER_ROLE, owner_pw))
    engine = create_db_engine(parse_database_url(pg_cluster.url(TEMPLATE_DB, OWNER_ROLE, owner_pw)))
    with engine.begin() as conn:
        # One role serves every test; the pooler tests alone hold 20 connections at once.
        client_pw = create_client_role(conn, CLIENT_ROLE, limits=ClientLimits(connection_limit=60))
    engine.dispose()
    assert client_pw
    yield Roles(OWNER_ROLE, owner_pw, CLIENT_ROLE, client_pw)
    with pg_cluster.admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(TEMPLATE_DB)))
        for role in (CLIENT_ROLE, OWNER_ROLE):
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture
def test_db(pg_cluster: PgCluster, roles: Roles) -> Iterator[TestDatabase]:
    name = f"todo_t_{uuid.uuid4().hex[:12]}"
    with pg_cluster.admin() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_DB), sql.Identifier(roles.owner)
            )
        )
        # A copy gets the default database privileges, not the template's; the migration
        # revoked TEMPORARY from PUBLIC, so do it again here.
        conn.execute(sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
    yield TestDatabase(name, pg_cluster, roles)
    with pg_cluster.admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def empty_db(pg_cluster: PgCluster, roles: Roles) -> Iterator[tuple[str, str]]:
    """(the owner's URL, the name) of a new empty database, for a test that runs the
    migrations itself (to a revision, with data of that revision, and back)."""
    with blank_database(pg_cluster, roles, "todo_m") as made:
        yield made


@pytest.fixture
def client_db(test_db: TestDatabase) -> Iterator[Database]:
    # Through a pooler: pooled mode, so prepared statements are off.
    target = parse_database_url(test_db.client_url, pooled=True if test_db.pooler_address else None)
    db = Database(create_db_engine(target), target, retry_budget=2.0)
    yield db
    db.dispose()


@pytest.fixture
def accounts(client_db: Database) -> AccountService:
    return AccountService(client_db, kdf_cost=MINIMUM_COST)


@pytest.fixture
def make_user(accounts: AccountService) -> Callable[[str], SignedIn]:
    def make(name: str) -> SignedIn:
        email = f"{name.lower()}@example.com"
        accounts.register(email, name, "Tester", PASSWORD)
        return accounts.sign_in(email, PASSWORD)

    return make


@pytest.fixture
def alice(make_user: Callable[[str], SignedIn]) -> SignedIn:
    return make_user("Alice")


@pytest.fixture
def bob(make_user: Callable[[str], SignedIn]) -> SignedIn:
    return make_user("Bob")


@pytest.fixture
def alice_tasks(client_db: Database, alice: SignedIn) -> TaskRepository:
    return TaskRepository(client_db, alice.token)


@pytest.fixture
def bob_tasks(client_db: Database, bob: SignedIn) -> TaskRepository:
    return TaskRepository(client_db, bob.token)


@pytest.fixture
def keyring() -> MemoryKeyring:
    """An in-memory keyring: tests never touch the machine's own."""
    return MemoryKeyring()


@pytest.fixture
def gateway(tmp_path: Path, keyring: MemoryKeyring) -> Iterator[SharedDatabases]:
    from tests.support.shared_helpers import make_gateway

    made = make_gateway(tmp_path / "config", keyring)
    yield made
    made.close()


@pytest.fixture
def proxy(test_db: TestDatabase) -> Iterator[FaultProxy]:
    """A TCP fault proxy in front of the test database, for the client role's connections."""
    from tests.support.faultproxy import upstream_for

    fp = FaultProxy(upstream_for(test_db.client_url)).start()
    try:
        yield fp
    finally:
        fp.stop()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave without tearing the interpreter down. After the whole suite the process still
    holds the session's QApplication and wrappers of thousands of Qt objects, and Python's
    finalisation frees them in no order Qt expects: one full run ended in a segmentation
    fault after its summary, every test passed. Every fixture has finished (the session's
    database server is stopped) and the report is written by now, so nothing a test checks
    is skipped, only the interpreter's own clean-up. The quitting app is tested on its own
    (tests/ui/test_gui_session_fixes_quit.py, and the frozen app's Ctrl+Q in CI)."""
    status = config.stash.get(_EXIT_STATUS, None)
    if status is None:
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(status)
