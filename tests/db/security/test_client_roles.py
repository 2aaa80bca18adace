"""One login role per person, as a hostile holder of one of them would test it.

Each person's role is a member of todo_app only, with a connection limit and role-level
time limits. What one person does to their own role (a new password, read-only
defaults, more connections) must not reach anyone else's, and the app must cope, in one
sentence, when its own role's settings were changed. Role names are server-wide, so every
role made here carries a unique suffix and is dropped at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import errors as pg
from psycopg import sql
from sqlalchemy import Connection

from tests.support import database
from tests.support.role_helpers import (
    Role,
    RoleMaker,
    alter_role_set,
    as_owner,
    as_superuser,
    connect,
    one_sentence,
    open_database,
    sign_up,
    todo_desktop,
)
from todo_desktop.__main__ import main
from todo_desktop.cli import parser
from todo_desktop.core.errors import ConfigurationError, TodoError
from todo_desktop.core.values import TaskDraft, TaskQuery
from todo_desktop.db.database import Database
from todo_desktop.db.roles import DEFAULT_LIMITS, ClientLimits, disable_client_role, list_client_roles
from todo_desktop.db.tasks import TaskRepository

# Far below the 30 s a blocked statement would otherwise wait: the time limits must answer.
BOUNDED_SECONDS = 10.0


@pytest.fixture
def make_role(test_db: database.TestDatabase) -> Iterator[RoleMaker]:
    maker = RoleMaker(test_db)
    yield maker
    maker.drop_all()


@pytest.fixture
def open_app() -> Iterator[Callable[[Role], Database]]:
    made: list[Database] = []

    def open_(role: Role) -> Database:
        made.append(open_database(role))
        return made[-1]

    yield open_
    for db in made:
        db.dispose()


# -- what create_client_role sets -----------------------------------------------------------


def test_a_new_client_role_carries_its_connection_limit_and_time_limits(test_db, make_role):
    role = make_role("limits")
    with test_db.superuser() as su:
        row = su.execute(
            "SELECT rolconnlimit, rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, "
            "rolreplication, (SELECT setconfig FROM pg_db_role_setting WHERE setrole = r.oid "
            "AND setdatabase = 0) FROM pg_roles r WHERE rolname = %s",
            (role.name,),
        ).fetchone()
        memberships = su.execute(
            "SELECT array_agg(g.rolname) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "WHERE m.member = %s::regrole",
            (role.name,),
        ).fetchone()[0]
    assert row[:7] == (10, True, False, False, False, False, False)
    assert sorted(row[7]) == [
        "idle_in_transaction_session_timeout=60s",
        "lock_timeout=5s",
        "statement_timeout=30s",
    ]
    assert memberships == ["todo_app"]
    with connect(role.url) as conn:  # and a new session of the role runs under them
        shown = [conn.execute(f"SHOW {name}").fetchone()[0] for name in DEFAULT_LIMITS.settings()]
    assert shown == ["30s", "5s", "1min"]


def test_the_connection_limit_refuses_only_that_role(test_db, make_role):
    greedy = make_role("greedy", ClientLimits(connection_limit=2))
    other = make_role("other")
    held = [connect(greedy.url) for _ in range(2)]
    try:
        with pytest.raises(psycopg.OperationalError, match="too many connections for role"):
            connect(greedy.url)
        for url in (other.url, test_db.direct_client_url):  # everyone else still gets in
            with connect(url) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        for conn in held:
            conn.close()


def test_limits_out_of_range_are_one_sentence():
    for bad in (0, -1, 1_000_000):
        with pytest.raises(ConfigurationError) as caught:
            ClientLimits(connection_limit=bad)
        assert one_sentence(caught.value.message) and "from 1 to" in caught.value.message
    with pytest.raises(ConfigurationError):
        ClientLimits(statement_timeout_ms=0)  # zero would switch the limit off
    assert DEFAULT_LIMITS.connection_limit == parser.DEFAULT_CONNECTION_LIMIT


# -- what one person's role can do to the others ---------------------------------------------


def test_changing_your_own_role_locks_out_nobody_else(test_db, make_role, open_app):
    a, b = make_role("a"), make_role("b")
    verifier = "SELECT rolpassword FROM pg_authid WHERE rolname = %s"
    with test_db.superuser() as su:
        a_before, b_before = (su.execute(verifier, (r.name,)).fetchone()[0] for r in (a, b))
    with connect(a.url) as conn:
        conn.execute("ALTER ROLE CURRENT_USER PASSWORD 'x'")
        conn.execute("ALTER ROLE CURRENT_USER SET default_transaction_read_only = on")
        conn.execute("ALTER ROLE CURRENT_USER SET statement_timeout = '1ms'")
        for attack in (
            sql.SQL("ALTER ROLE {} PASSWORD 'x'").format(sql.Identifier(b.name)),
            sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(sql.Identifier(b.name)),
            sql.SQL("ALTER ROLE todo_app SET default_transaction_read_only = on"),
            sql.SQL("ALTER ROLE CURRENT_USER CONNECTION LIMIT -1"),
            sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = on").format(
                sql.Identifier(test_db.name)
            ),
        ):
            with pytest.raises(pg.InsufficientPrivilege):
                conn.execute(attack)
    settings = "SELECT setconfig FROM pg_db_role_setting WHERE setrole = %s::regrole AND setdatabase = 0"
    with test_db.superuser() as su:  # A really changed its own role (and is locked out), only its own
        assert su.execute(verifier, (a.name,)).fetchone()[0] != a_before
        assert "default_transaction_read_only=on" in su.execute(settings, (a.name,)).fetchone()[0]
        assert su.execute(verifier, (b.name,)).fetchone()[0] == b_before
    with connect(b.url) as conn:
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("off",)
        assert conn.execute("SHOW statement_timeout").fetchone() == ("30s",)
    db = open_app(b)
    tasks = TaskRepository(db, sign_up(db, "Bee"))  # and the app, as B, works as before
    tasks.create(TaskDraft(title="Still mine to write"))
    assert [t.title for t in tasks.list(TaskQuery()).tasks] == ["Still mine to write"]


def test_a_client_cannot_end_or_cancel_another_clients_session(make_role):
    a, b = make_role("killer"), make_role("victim")
    with connect(b.url) as victim, connect(a.url) as killer:
        pid = victim.execute("SELECT pg_backend_pid()").fetchone()[0]
        for signal in ("pg_terminate_backend", "pg_cancel_backend"):
            with pytest.raises(pg.InsufficientPrivilege):
                killer.execute(sql.SQL("SELECT {}(%s)").format(sql.Identifier(signal)), (pid,))
        assert victim.execute("SELECT 1").fetchone() == (1,)


# -- the app when its own role's settings were changed ---------------------------------------


def test_the_app_writes_when_its_role_defaults_to_read_only(test_db, make_role, open_app):
    role = make_role("readonly")
    alter_role_set(test_db, role.name, "default_transaction_read_only", "on")
    with connect(role.url) as conn:
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
    db = open_app(role)
    tasks = TaskRepository(db, sign_up(db, "Rhea"))
    tasks.create(TaskDraft(title="Written anyway"))
    # Left on a server connection the pool hands out again: the next transaction still writes.
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        conn.commit()
    tasks.create(TaskDraft(title="And again"))
    assert sorted(t.title for t in tasks.list(TaskQuery()).tasks) == ["And again", "Written anyway"]


@dataclass(frozen=True)
class HeldLock:
    setting: str
    value: str
    says: str


@pytest.mark.parametrize(
    "case",
    [
        HeldLock("statement_timeout", "1ms", "stopped a statement that took too long"),
        HeldLock("lock_timeout", "200ms", "holding the data this needs"),
    ],
    ids=["statement_timeout", "lock_timeout"],
)
def test_a_blocked_write_is_one_sentence_in_bounded_time(test_db, make_role, open_app, case):
    role = make_role("blocked")
    token = sign_up(open_app(role), "Bo")
    alter_role_set(test_db, role.name, case.setting, case.value)
    tasks = TaskRepository(open_app(role), token)  # new connections: the new settings
    with test_db.superuser() as su:
        su.autocommit = False
        su.execute("LOCK TABLE public.tasks IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        with pytest.raises(TodoError) as caught:
            tasks.create(TaskDraft(title="Blocked"))
        elapsed = time.monotonic() - started
        su.rollback()
    assert case.says in caught.value.message and one_sentence(caught.value.message)
    assert elapsed < BOUNDED_SECONDS


def test_a_transaction_left_idle_is_one_sentence(test_db, make_role, open_app):
    role = make_role("idle")
    alter_role_set(test_db, role.name, "idle_in_transaction_session_timeout", "100ms")
    db = open_app(role)

    def dawdle(conn: Connection) -> object:
        conn.exec_driver_sql("SELECT 1")
        time.sleep(0.5)  # the server ends the session meanwhile
        return conn.exec_driver_sql("SELECT 1").scalar()

    started = time.monotonic()
    with pytest.raises(TodoError) as caught:
        db.run(None, dawdle)
    assert "ended a transaction that stayed open too long" in caught.value.message
    assert one_sentence(caught.value.message) and time.monotonic() - started < BOUNDED_SECONDS


def test_a_read_only_transaction_is_named_as_such(make_role, open_app):
    """Whatever still ends up read-only (a replica, a READ ONLY set inside the transaction)."""
    db = open_app(make_role("ro"))

    def write_read_only(conn: Connection) -> None:
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        conn.exec_driver_sql("CREATE TABLE public.never (i int)")

    with pytest.raises(TodoError) as caught:
        db.run(None, write_read_only)
    assert caught.value.message == (
        "This database connection is read-only: its role's settings were changed; ask the database's admin."
    )


# -- the admin's view: list and disable ------------------------------------------------------


def test_list_client_roles_shows_limits_settings_connections_and_odd_ones(test_db, make_role):
    plain, odd = make_role("plain"), make_role("odd")
    as_superuser(test_db, sql.SQL("ALTER ROLE {} BYPASSRLS").format(sql.Identifier(odd.name)))
    as_superuser(test_db, sql.SQL("GRANT pg_read_all_data TO {}").format(sql.Identifier(odd.name)))
    with connect(plain.url), as_owner(test_db) as conn:
        listed = {role.name: role for role in list_client_roles(conn)}
    mine = listed[plain.name]
    assert (mine.can_login, mine.connection_limit, mine.connections, mine.plain) == (True, 10, 1, True)
    assert set(mine.settings) == {
        "statement_timeout=30s",
        "lock_timeout=5s",
        "idle_in_transaction_session_timeout=60s",
    }
    assert listed[odd.name].concerns == ("bypasses row-level security", "also a member of pg_read_all_data")
    assert test_db.roles.client in listed
    assert test_db.roles.owner not in listed  # an admin of todo_app, not a client


def test_disable_client_role_locks_it_out_and_ends_its_connections(test_db, make_role):
    gone, kept = make_role("gone"), make_role("kept")
    session = connect(gone.url)
    with as_owner(test_db) as conn:
        assert disable_client_role(conn, gone.name).ended_connections == 1
        listed = {role.name: role for role in list_client_roles(conn)}
    assert (listed[gone.name].can_login, listed[gone.name].connections) == (False, 0)
    with pytest.raises(psycopg.OperationalError):
        session.execute("SELECT 1")
    session.close()
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        connect(gone.url)
    with connect(kept.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_disable_client_role_refuses_what_is_not_a_client(test_db, make_role):
    kept = make_role("kept")
    with as_owner(test_db) as conn:
        for name in (test_db.roles.owner, "todo_app", "postgres", "no_such_role", 'x"; DROP ROLE y; --'):
            with pytest.raises(ConfigurationError) as caught:
                disable_client_role(conn, name)
            assert one_sentence(caught.value.message) and "not a client role" in caught.value.message
    with connect(kept.url) as conn, pytest.raises(pg.InsufficientPrivilege):  # nor one client another
        conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(test_db.roles.client)))
    with as_owner(test_db, kept.url) as conn, pytest.raises(ConfigurationError, match="this connection"):
        disable_client_role(conn, kept.name)
    with connect(test_db.direct_client_url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


# -- the command line, as an admin runs it ---------------------------------------------------


def test_the_command_line_creates_lists_and_disables_client_roles(test_db, make_role, tmp_path):
    name, url = make_role.name("cli"), test_db.owner_url
    made = todo_desktop(
        "admin", "create-client-role", name, "--connection-limit", "3", "--database-url", url, home=tmp_path
    )
    assert made.returncode == 0, made.stderr
    assert "at most 3 connections" in made.stdout and "statement_timeout=30s" in made.stdout
    client = next(s.strip() for s in made.stdout.splitlines() if s.strip().startswith("postgresql://"))

    session = connect(client)
    listed = todo_desktop("admin", "list-client-roles", "--database-url", url, home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["role", "login", "limit", "open", "settings", "note"]
    row = next(line.split() for line in lines if line.startswith(name + " "))
    assert row[:4] == [name, "yes", "3", "1"] and "lock_timeout=5s," in row
    assert lines[-1].endswith("client roles on this server.")

    disabled = todo_desktop("admin", "disable-client-role", name, "--database-url", url, home=tmp_path)
    assert disabled.returncode == 0, disabled.stderr
    assert (
        disabled.stdout
        == f"Disabled role {name}: it can no longer log in, and its open connection was ended.\n"
    )
    with pytest.raises(psycopg.OperationalError):
        session.execute("SELECT 1")
    session.close()
    listed = todo_desktop("admin", "list-client-roles", "--database-url", url, home=tmp_path)
    assert next(line.split() for line in listed.stdout.splitlines() if line.startswith(name + " "))[1] == "no"

    refused = todo_desktop(
        "admin", "disable-client-role", "nobody_here", "--database-url", url, home=tmp_path
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "not a client role" in refused.stderr


def test_the_new_commands_refuse_bad_input_in_one_sentence(capsys):
    pooled = "postgresql://u:p@ep-x-123-pooler.eu.aws.neon.tech/db"
    for command in (["list-client-roles"], ["disable-client-role", "someone"]):
        assert main(["admin", *command, "--database-url", pooled]) == 2
        assert capsys.readouterr().err.startswith("This command needs the direct host")
    assert (
        main(
            ["admin", "create-client-role", "fine_name", "--connection-limit", "0", "--database-url", pooled]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "connection limit" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):  # argparse's own message for a limit that is no number
        main(["admin", "create-client-role", "fine_name", "--connection-limit", "many"])
    assert "invalid int value" in capsys.readouterr().err
