"""Shared profiles keep edits in the outbox too, per account, and say when they wait.

Real server through the fault proxy: the gateway is built as the app builds it, with an
outbox folder and the app's one ``Reachability``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import database
from tests.support.database import PASSWORD
from tests.support.faultproxy import FaultProxy, proxied_url
from tests.support.memory_keyring import MemoryKeyring
from tests.support.shared_helpers import add_profile, make_gateway
from todo_desktop.core.errors import SchemaMismatchError
from todo_desktop.core.ports import Credentials, Workspace
from todo_desktop.core.profiles import Profile
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.shared.gateway import SharedDatabases

pytestmark = pytest.mark.timeout(60)

ERIN = "erin@example.com"
FRANK = "frank@example.com"


@pytest.fixture
def reachability() -> Reachability:
    return Reachability()


@pytest.fixture
def gateways(
    tmp_path: Path, keyring: MemoryKeyring, reachability: Reachability
) -> Iterator[Callable[..., SharedDatabases]]:
    """``make()`` builds the app's gateway on this test's folders; calling it again is a restart."""
    made: list[SharedDatabases] = []

    def make(retry_budget: float = 1.0) -> SharedDatabases:
        gateway = make_gateway(
            tmp_path / "config",
            keyring,
            retry_budget=retry_budget,
            reachability=reachability,
            outbox_folder=tmp_path / "outbox",
        )
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        gateway.close()


@pytest.fixture
def proxied(
    gateways: Callable[..., SharedDatabases], test_db: database.TestDatabase, proxy: FaultProxy
) -> Profile:
    """A shared profile whose every connection goes through the fault proxy."""
    profile = add_profile(gateways(), proxied_url(test_db.client_url, proxy.port))
    return profile


def _register(gateway: SharedDatabases, profile: Profile, email: str, *, stay: bool = True) -> Workspace:
    form = Credentials(email, PASSWORD, stay_signed_in=stay, first_name="Test", last_name="Person")
    return gateway.register(profile.id, form)


def _sign_in(gateway: SharedDatabases, profile: Profile, email: str) -> Workspace:
    return gateway.sign_in(profile.id, Credentials(email, PASSWORD, stay_signed_in=True))


def _titles(workspace: Workspace) -> list[str]:
    return sorted(t.title for t in workspace.tasks.list(TaskQuery(limit=100)).tasks)


def _go_down(proxy: FaultProxy) -> None:
    proxy.refuse()
    proxy.cut()  # pooled connections die too, as when a compute suspends


def test_edits_made_while_the_shared_database_is_away_survive_a_restart(gateways, proxied, proxy):
    gateway = gateways()
    workspace = _register(gateway, proxied, ERIN)
    assert workspace.outbox is not None
    kept = workspace.tasks.create(TaskDraft(title="Made online"))

    _go_down(proxy)
    workspace.tasks.create(TaskDraft(title="Made offline"))
    workspace.tasks.update(kept.id, TaskChanges(title="Renamed offline"))
    workspace.tasks.create(TaskDraft(title="Also offline"))
    assert workspace.outbox.pending_count() == 3
    assert workspace.outbox.offline
    gateway.close()  # the app quits with the database still away

    proxy.passthrough()
    again = gateways().resume(proxied.id)  # the next start, with the kept session
    assert again is not None and again.outbox is not None
    assert again.outbox.pending_count() == 3
    report = again.outbox.flush()
    assert (report.sent, report.dropped, report.pending) == (3, 0, 0)
    assert _titles(again) == ["Also offline", "Made offline", "Renamed offline"]


def test_queued_edits_are_only_ever_sent_as_the_person_who_made_them(gateways, proxied, proxy):
    gateway = gateways()
    frank = _register(gateway, proxied, FRANK)
    erin = _register(gateway, proxied, ERIN)
    _go_down(proxy)
    erin.tasks.create(TaskDraft(title="Erin's offline task"))
    assert erin.outbox is not None and erin.outbox.pending_count() == 1
    proxy.passthrough()

    frank = _sign_in(gateway, proxied, FRANK)  # someone else signs in on this computer
    assert frank.outbox is not None and frank.outbox is not erin.outbox
    assert frank.outbox.pending_count() == 0
    assert _titles(frank) == []

    erin = _sign_in(gateway, proxied, ERIN)  # a new session of the same account sends it
    assert erin.outbox is not None and erin.outbox.pending_count() == 1
    assert erin.outbox.flush().sent == 1
    assert _titles(erin) == ["Erin's offline task"]
    # Erin's sign-in ended Frank's session on this computer; on another device he sees none.
    assert _titles(_sign_in(gateways(), proxied, FRANK)) == []


def test_a_schema_newer_than_the_app_opens_without_an_outbox(gateways, test_db):
    """Read-only: every write is refused at once, so nothing may wait for a later send."""
    gateway = gateways()
    profile = add_profile(gateway, test_db.client_url)
    assert _register(gateway, profile, ERIN).outbox is not None
    gateway.close()
    with test_db.superuser() as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    workspace = _sign_in(gateways(), profile, ERIN)
    assert workspace.read_only
    assert workspace.outbox is None
    with pytest.raises(SchemaMismatchError):
        workspace.tasks.create(TaskDraft(title="Refused"))


def test_a_waking_database_is_reported_while_waited_for_and_then_cleared(
    gateways, proxied, proxy, reachability
):
    workspace = _register(gateways(retry_budget=6.0), proxied, ERIN)
    news: list[bool] = []
    reachability.listen(news.append)

    _go_down(proxy)
    wake = threading.Timer(2.0, proxy.passthrough)
    wake.start()
    seen_waking = threading.Event()
    reachability.listen(lambda waking: waking and seen_waking.set())
    started = time.monotonic()
    try:
        created = workspace.tasks.create(TaskDraft(title="Made while waking"))
    finally:
        wake.cancel()
    assert seen_waking.is_set()
    assert time.monotonic() - started >= 1.9
    assert news == [True, False]  # waking while it waited, and nothing left waiting after
    assert not reachability.waking
    assert workspace.outbox is not None and workspace.outbox.pending_count() == 0
    assert [t.title for t in workspace.tasks.list(TaskQuery()).tasks if t.id == created.id] == [
        "Made while waking"
    ]
