"""The privacy service on a real PostgreSQL: exporting through the shared gateway's session
(100,000 tasks included), deleting an account and forgetting it on this computer."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from tests.support.database import PASSWORD
from tests.support.faultproxy import proxied_url, upstream_for
from tests.support.lost_commit_proxy import LostCommitProxy
from tests.support.memory_keyring import MemoryKeyring
from tests.support.shared_helpers import SERVICE, add_profile, make_gateway
from todo_desktop.core.errors import AuthenticationError, ConfigurationError, NotSignedInError, TodoError
from todo_desktop.core.ports import Credentials
from todo_desktop.core.profiles import LOCAL_ID, Profile
from todo_desktop.core.values import TaskChanges, TaskDraft
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.privacy import EXPORT_FORMAT, Privacy
from todo_desktop.db.shared.gateway import SharedDatabases

EMAIL = "erin@example.com"


@pytest.fixture
def shared_gateway(tmp_path: Path, keyring: MemoryKeyring) -> Iterator[SharedDatabases]:
    made = make_gateway(tmp_path / "config", keyring, outbox_folder=tmp_path / "outbox")
    yield made
    made.close()


@pytest.fixture
def team(shared_gateway: SharedDatabases, test_db) -> Profile:
    return add_profile(shared_gateway, test_db.client_url, name="Team")


@pytest.fixture
def erin(shared_gateway: SharedDatabases, team: Profile):
    form = Credentials(EMAIL, PASSWORD, stay_signed_in=True, first_name="Erin", last_name="Tester")
    return shared_gateway.register(team.id, form)


def erin_token(workspace) -> str:
    return workspace.tasks.inner.token


@pytest.fixture
def privacy(shared_gateway: SharedDatabases) -> Privacy:
    return Privacy(shared_gateway, lambda: None)


def test_export_holds_the_account_tasks_and_tags(privacy, team, erin, bob_tasks):
    erin.tasks.create(TaskDraft(title="water the plants", description="twice", tags=("home",)))
    bob_tasks.create(TaskDraft(title="Bob's task"))
    data = privacy.export_my_data(team.id)
    text = json.dumps(data)  # ready as it is
    assert data["format"] == EXPORT_FORMAT and data["account"]["email"] == EMAIL
    assert [t["title"] for t in data["tasks"]] == ["water the plants"]
    task = data["tasks"][0]
    assert task["tags"] == ["home"] and task["description"] == "twice" and "repeat_rule" in task
    assert [t["name"] for t in data["tags"]] == ["home"]
    assert len(data["sessions"]) == 1 and data["devices"]
    assert erin_token(erin) not in text and "Bob" not in text


@pytest.mark.slow
def test_export_pages_through_100000_tasks(test_db, privacy, team, erin, shared_gateway):
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO public.tasks (user_id, title, completed, created_at) "
            "SELECT %s, 'task ' || n, n %% 3 = 0, now() - n * interval '1 second' "
            "FROM generate_series(1, 100000) n",
            (erin.account.id,),
        )
    started = time.monotonic()
    tracemalloc.start()
    try:
        data = privacy.export_my_data(team.id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    took = time.monotonic() - started
    ids = {t["id"] for t in data["tasks"]}
    assert len(data["tasks"]) == len(ids) == 100_000
    assert peak < 400 * 1024 * 1024, peak  # held once, as plain dicts
    print(f"exported 100,000 tasks in {took:.1f} s, peak {peak / 2**20:.0f} MiB")


def test_export_pages_meet_at_their_edges(team, erin, shared_gateway):
    for n in range(7):
        erin.tasks.create(TaskDraft(title=f"t{n}"))
    done = erin.tasks.create(TaskDraft(title="done"))
    erin.tasks.update(done.id, TaskChanges(completed=True), done.updated_at)
    small = Privacy(shared_gateway, lambda: None, page_size=3)
    titles = [t["title"] for t in small.export_my_data(team.id)["tasks"]]
    assert sorted(titles) == sorted([f"t{n}" for n in range(7)] + ["done"]) and titles[-1] == "done"


def test_nobody_signed_in_exports_nothing(privacy, team):
    with pytest.raises(NotSignedInError):
        privacy.export_my_data(team.id)
    with pytest.raises(TodoError):
        privacy.export_my_data(LOCAL_ID)  # the local database is not open here


def test_a_wrong_password_deletes_and_forgets_nothing(privacy, team, erin, shared_gateway, keyring):
    for wrong in ("not it", ""):
        with pytest.raises(AuthenticationError, match="password is wrong"):
            privacy.delete_account(team.id, wrong)
    assert keyring.get_password(SERVICE, team.session_key)
    assert shared_gateway.signed_in(team.id)[1].account.email == EMAIL


def test_deleting_the_account_forgets_it_here(
    test_db, privacy, team, erin, shared_gateway, keyring, accounts, tmp_path
):
    erin.tasks.create(TaskDraft(title="mine"))
    queue = erin.outbox.outbox.path  # type: ignore[union-attr]
    queue.touch()  # as if edits were waiting for the database
    outbox_files = [queue, queue.with_suffix(".conflicts")]
    outbox_files[1].touch()
    token = erin_token(erin)
    assert keyring.get_password(SERVICE, team.device_key(EMAIL))
    privacy.delete_account(team.id, PASSWORD)
    assert keyring.get_password(SERVICE, team.session_key) is None
    assert keyring.get_password(SERVICE, team.device_key(EMAIL)) is None
    assert keyring.get_password(SERVICE, team.password_key)  # the database's own password stays
    assert not any(p.exists() for p in outbox_files)
    with pytest.raises(NotSignedInError):
        shared_gateway.signed_in(team.id)
    with pytest.raises(AuthenticationError):
        accounts.sign_in(EMAIL, PASSWORD)
    with pytest.raises(NotSignedInError):
        accounts.current_account(token)


def test_the_local_profile_has_no_account_to_delete(privacy):
    with pytest.raises(ConfigurationError, match="erase this computer's data"):
        privacy.delete_account(LOCAL_ID, PASSWORD)
    with pytest.raises(ConfigurationError):
        privacy.erase_local_data()  # not wired to a local database here


def test_the_service_is_light_to_build_at_start_up():
    """The composition root builds it before the window shows: the SQL stack waits for a use."""
    code = (
        "import sys, todo_desktop.db.privacy; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'psycopg', 'PySide6')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


class _ThroughProxy:
    """Alice's session on a database reached through a proxy that loses a COMMIT's answer."""

    def __init__(self, db: Database, signed_in) -> None:
        self.connection = SimpleNamespace(
            accounts=AccountService(db, kdf_cost=MINIMUM_COST), db=db, read_only=False
        )
        self.session = signed_in
        self.forgotten: list[str] = []

    def signed_in(self, profile_id: str):
        return self.connection, self.session

    def forget_account(self, profile_id: str, email: str) -> None:
        self.forgotten.append(email)


def test_a_deletion_whose_commit_answer_was_lost_still_counts_as_done(test_db, alice, accounts):
    with LostCommitProxy(upstream_for(test_db.client_url)) as proxy:
        target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
        db = Database(create_db_engine(target), target, retry_budget=5.0)

        @event.listens_for(db.engine, "before_cursor_execute")
        def arm(conn, cursor, statement, *args):  # the deletion's own COMMIT, not the attempt's
            if "delete_account" in statement:
                proxy.lose_next_commit_answer()

        sessions = _ThroughProxy(db, alice)
        try:
            Privacy(sessions, lambda: None).delete_account("team", PASSWORD)  # type: ignore[arg-type]
        finally:
            db.dispose()
    assert proxy.lost_answers == 1  # carried out unheard, then sent again and refused
    assert sessions.forgotten == [alice.account.email]
    with pytest.raises(AuthenticationError):
        accounts.sign_in(alice.account.email, PASSWORD)
