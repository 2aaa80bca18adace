"""No edit ever lost: a seeded run of edits while a fault proxy cuts and refuses connections.

Every edit goes through DurableTasks in front of the real repository, whose connections go
through ``faultproxy.FaultProxy``. A background thread cuts live connections and refuses
new ones for a while at random moments; a hook on COMMIT cuts the connection just before
or just after COMMIT is sent, so some writes have an unknown outcome and are retried (by
the data layer, or later from the outbox). At the end the proxy passes again, the outbox
is flushed, and the database must equal the state computed here from the same edits.

Whatever the seed, every run starts with one write of each kind whose COMMIT the server
carries out while its answer is lost on the way back, so a write that is not idempotent
fails every run, not only under the seeds whose random cuts happen to hit that moment.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.support.faultproxy import FaultProxy, proxied_url, upstream_for
from tests.support.lost_commit_proxy import LostCommitProxy
from tests.support.outbox_helpers import DUE, Row, apply_changes, drain, random_changes, state
from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.values import Priority, Task, TaskChanges, TaskDraft, TaskEdit
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync import outbox_queue
from todo_desktop.sync.outbox import outbox_for

pytestmark = pytest.mark.timeout(90)

SEED = int(os.environ.get("TODO_FAULT_SEED", "20261126"))  # another seed: another run
EDITS = 60
OUTAGE = range(20, 28)  # edits made while the proxy surely refuses


class Faults:
    """Cuts and refusals from a background thread, plus cuts around COMMIT."""

    def __init__(self, proxy: FaultProxy, rng: random.Random) -> None:
        self.proxy = proxy
        self.rng = rng
        self.cuts = 0  # live connections dropped
        self.refusals = 0  # periods of refusing new connections
        self.commit_cuts = 0
        self._stop = threading.Event()
        self.hold = threading.Event()  # the test itself keeps the proxy refusing
        self._thread = threading.Thread(target=self._run, name="faults", daemon=True)
        self._commit_rng = random.Random(rng.random())

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)
        self.proxy.passthrough()

    def _run(self) -> None:
        while not self._stop.wait(self.rng.uniform(0.05, 0.4)):
            roll = self.rng.random()
            if self.hold.is_set():
                continue
            if roll < 0.45:
                self.cuts += self.proxy.cut()
            elif roll < 0.75:
                self.refusals += 1
                self.proxy.refuse()
                self.cuts += self.proxy.cut()
                self._stop.wait(self.rng.uniform(0.4, 1.6))
                if not self.hold.is_set():
                    self.proxy.passthrough()

    def on_commit(self, _conn: object) -> None:
        """Before COMMIT goes out: sometimes cut now, sometimes a moment later (in flight)."""
        if self._stop.is_set():
            return
        roll = self._commit_rng.random()
        if roll < 0.12:
            self.commit_cuts += 1
            self.cuts += self.proxy.cut()
        elif roll < 0.24:
            self.commit_cuts += 1
            delay = self._commit_rng.uniform(0.0, 0.004)
            threading.Timer(delay, lambda: setattr(self, "cuts", self.cuts + self.proxy.cut())).start()


@pytest.fixture
def proxy(test_db):
    with LostCommitProxy(upstream_for(test_db.client_url)) as started:
        yield started


def _answer_lost(proxy: LostCommitProxy, write):
    """``write()`` while the answer to its COMMIT is lost; the data layer retries it."""
    before = proxy.lost_answers
    proxy.lose_next_commit_answer()
    result = write()
    assert proxy.lost_answers == before + 1  # the server committed; the client never heard
    return result


def test_random_edits_through_cut_and_refused_connections_all_land(
    test_db, alice, proxy, tmp_path: Path, monkeypatch
):
    # Short backoffs, so queued edits are replayed (and cut) during the run, not only after.
    monkeypatch.setattr(outbox_queue, "FLUSH_BACKOFF_FIRST", 0.3)
    monkeypatch.setattr(outbox_queue, "FLUSH_BACKOFF_MAX", 0.6)
    rng = random.Random(SEED)
    target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
    db = Database(create_db_engine(target), target, retry_budget=0.6)
    faults = Faults(proxy, random.Random(rng.random()))
    durable = outbox_for(tmp_path / "outbox", "local", TaskRepository(db, alice.token))
    replays = 0
    inner_flush = durable._flush

    def counted_flush():  # only counts what the replays sent under fire
        nonlocal replays
        report = inner_flush()
        replays += report.sent
        return report

    durable._flush = counted_flush  # type: ignore[method-assign]
    checker = Database(
        create_db_engine(parse_database_url(test_db.client_url)), parse_database_url(test_db.client_url)
    )

    intended: dict[uuid.UUID, Row] = {}
    shown: dict[uuid.UUID, Task] = {}  # what the window would hold: the last value returned
    queued_at_once = 0
    kinds: dict[str, int] = {}
    started = time.monotonic()
    # Before any random fault, so nothing else can cut these connections first.
    draft = TaskDraft("Sent once", description="details", priority=Priority.HIGH, due_date=DUE)
    made = _answer_lost(proxy, lambda: durable.create(draft))
    intended[draft.id] = (draft.title, draft.description, False, draft.priority, draft.due_date)
    renamed = TaskChanges(title="Renamed once", due_date=None)
    shown[made.id] = _answer_lost(proxy, lambda: durable.update(made.id, renamed, made.updated_at))
    intended[made.id] = apply_changes(intended[made.id], renamed)
    done = TaskChanges(completed=True)
    shown[made.id] = _answer_lost(proxy, lambda: durable.update(made.id, done, shown[made.id].updated_at))
    reopen = [TaskEdit(made.id, TaskChanges(completed=False), shown[made.id].updated_at)]
    shown[made.id] = _answer_lost(proxy, lambda: durable.update_many(reopen)).stored[0]
    gone = durable.create(TaskDraft("Deleted once"))
    _answer_lost(proxy, lambda: durable.delete([gone.id]))
    assert durable.pending_count() == 0  # each retried at once, not left to the outbox
    assert state(TaskRepository(checker, alice.token)) == intended
    event.listen(db.engine, "commit", faults.on_commit)
    faults.start()
    try:
        for number in range(EDITS):
            if number == OUTAGE.start:  # one sure outage, longer than the retry budget
                faults.hold.set()
                proxy.refuse()
                faults.cuts += proxy.cut()
            elif number == OUTAGE.stop:
                proxy.passthrough()
                faults.hold.clear()
            if number % 4 == 3:  # the window's timer: a flush between edits, on the same thread
                with contextlib.suppress(DatabaseUnavailableError):
                    durable.flush_if_due()
            time.sleep(rng.uniform(0.0, 0.12))
            kind = rng.choice(["create", "create", "update", "update", "toggle", "delete", "complete"])
            if not intended:
                kind = "create"
            elif kind == "toggle" and not shown:
                kind = "update"
            kinds[kind] = kinds.get(kind, 0) + 1
            before = durable.pending_count()
            if kind == "create":
                draft = TaskDraft(
                    f"New {rng.randrange(10_000)}",
                    description=rng.choice([None, "details"]),
                    priority=rng.choice(list(Priority)),
                    due_date=rng.choice([None, DUE]),
                )
                task = durable.create(draft)
                intended[draft.id] = (draft.title, draft.description, False, draft.priority, draft.due_date)
                shown[task.id] = task
            else:
                task_id = rng.choice(sorted(shown if kind == "toggle" else intended))
                if kind == "update":
                    changes = random_changes(rng)
                    shown[task_id] = durable.update(task_id, changes)
                    intended[task_id] = apply_changes(intended[task_id], changes)
                elif kind == "toggle":
                    flipped = TaskChanges(completed=not shown[task_id].completed)
                    shown[task_id] = durable.update(task_id, flipped)
                    intended[task_id] = apply_changes(
                        intended[task_id], TaskChanges(completed=not intended[task_id][2])
                    )
                elif kind == "complete":
                    ids = rng.sample(sorted(intended), min(len(intended), rng.randint(1, 3)))
                    value = rng.random() < 0.5
                    edits = [TaskEdit(i, TaskChanges(completed=value)) for i in ids]
                    returned = {t.id: t for t in durable.update_many(edits).stored}
                    for i in ids:
                        if i in returned:
                            shown[i] = returned[i]
                        else:
                            shown.pop(i, None)
                    for i in ids:
                        intended[i] = apply_changes(intended[i], TaskChanges(completed=value))
                else:
                    durable.delete([task_id])
                    del intended[task_id]
                    shown.pop(task_id, None)
            # What the window shows always matches what was intended.
            for task_id, task in shown.items():
                assert (task.title, task.completed) == intended[task_id][:3:2], kind
            if durable.pending_count() > before and before == 0:
                queued_at_once += 1
        waited = durable.pending_count()
    finally:
        faults.stop()

    drain(durable)
    try:
        assert durable.pending_count() == 0
        assert durable.take_problems() == []  # nothing refused, nothing dropped
        stored = state(TaskRepository(checker, alice.token))
        assert stored == intended  # exactly: no edit lost, none applied twice
        print(
            f"\noutbox fault run: {EDITS} edits {kinds}, {faults.cuts} connections cut, "
            f"{faults.refusals} refusal periods, {faults.commit_cuts} cuts around COMMIT, "
            f"{proxy.lost_answers} COMMIT answers lost, "
            f"{proxy.refused} connections refused, {queued_at_once} times the outbox took over, "
            f"{replays} replayed during the run, {waited} edits waiting at the end of the run, "
            f"{len(intended)} tasks, edits lost: 0, "
            f"{time.monotonic() - started:.1f} s"
        )
        assert faults.cuts > 0 and proxy.refused > 0  # the faults really happened
        assert queued_at_once >= 1  # and the outbox took over at least once
    finally:
        event.remove(db.engine, "commit", faults.on_commit)
        db.dispose()
        checker.dispose()
