"""Several desktops through one plain PgBouncer in transaction mode, on a loopback address
with no "-pooler" in its name and no "pooled" box ticked: quick edits from all of them at
once all land, exactly once; and Test connection says a pooler is in between."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from tests.bench._load_pgbench import PgBouncer
from tests.support.database import PASSWORD
from tests.support.faultproxy import FaultProxy
from tests.support.pooler_helpers import pgbouncer_for, url_through
from tests.support.shared_helpers import add_profile, make_gateway
from todo_desktop.core.values import Priority, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.tasks import TaskRepository

pytestmark = pytest.mark.timeout(120)

CLIENTS = 4
EDITS = 24


@pytest.fixture
def bouncer(test_db, proxy: FaultProxy) -> Iterator[PgBouncer]:
    with pgbouncer_for(test_db.client_url, proxy.port, pool_size=2) as pooler:
        yield pooler


def test_four_desktops_through_a_plain_pgbouncer_lose_no_edit(test_db, bouncer: PgBouncer):
    url = url_through(test_db.client_url, bouncer)
    target = parse_database_url(url)
    assert not target.pooled  # nothing tells the app that this is a pooler
    setup = Database(create_db_engine(target), target)
    accounts = AccountService(setup, kdf_cost=MINIMUM_COST)
    people = [f"desk{n}@example.com" for n in range(CLIENTS)]
    for email in people:
        accounts.register(email, "Desk", "Top", PASSWORD)
    setup.dispose()
    failures: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def desktop(email: str) -> None:
        db = Database(create_db_engine(target), target)
        try:
            signed_in = AccountService(db, kdf_cost=MINIMUM_COST).sign_in(email, PASSWORD)
            repo = TaskRepository(db, signed_in.token)
            start.wait()
            for n in range(EDITS):
                task = repo.create(TaskDraft(f"bulk task {n}", priority=Priority.HIGH))
                repo.update(task.id, TaskChanges(title=f"bulk task {n}, edited"), task.updated_at)
                if n % 3 == 0:
                    repo.list(TaskQuery())
        except BaseException as exc:
            failures.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=desktop, args=(email,)) for email in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=100)
    assert failures == []
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT u.email, t.title FROM tasks t JOIN users u ON u.id = t.user_id WHERE u.email LIKE 'desk%'"
        ).fetchall()
    expected = Counter((email, f"bulk task {n}, edited") for email in people for n in range(EDITS))
    assert Counter(map(tuple, rows)) == expected
    assert bouncer.problems() == []


def test_test_connection_says_when_a_pooler_is_in_between(tmp_path, keyring, test_db, bouncer, proxy):
    gateway = make_gateway(tmp_path, keyring)
    try:
        pooled = add_profile(gateway, url_through(test_db.client_url, bouncer), name="Pooled")
        report = gateway.test_connection(pooled, None)
        assert report.ok and " through a connection pooler" in report.message, report.message
        direct_url = make_url(test_db.client_url).set(host="127.0.0.1", port=proxy.port, query={})
        direct = add_profile(gateway, direct_url.render_as_string(hide_password=False), name="Direct")
        report = gateway.test_connection(direct, None)
        assert report.ok and "pooler" not in report.message, report.message
    finally:
        gateway.close()
