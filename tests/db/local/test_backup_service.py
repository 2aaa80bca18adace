"""The window's backup service over the embedded database, wired as the app wires it
(``open_local`` behind the outbox): a restore gives back every task exactly, across a
restart (the restored database has never seen this run's session), and can be undone; edits
still waiting are never dropped by a restore; a damaged or foreign file replaces nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from keyring.backends import fail

from tests.support.outbox_helpers import Switched
from todo_desktop import APP_ID
from todo_desktop.core.errors import TodoError
from todo_desktop.core.ports import TaskService
from todo_desktop.core.values import Priority, Status, Task, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.local.backup_policy import backups_folder, list_backups
from todo_desktop.db.local.backup_service import GONE, NOT_OPEN, LocalBackups
from todo_desktop.db.local.backups import BackupError, run_tool
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.local.restore import NOT_A_BACKUP, UNREADABLE
from todo_desktop.db.local.workspace import LOCAL_DATABASE, LocalWorkspace
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore
from todo_desktop.sync.outbox import DurableTasks, outbox_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)  # each backup gets a name of its own
        return self.now


class App:
    """The Local profile as the app holds it: the workspace, its outbox, the service."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.clock = Clock()
        self.local: LocalWorkspace | None = None
        self.outbox: DurableTasks | None = None
        self.service = LocalBackups(
            paths.data,
            lambda: (self.local, self.outbox) if self.local is not None and self.outbox is not None else None,
            self.secrets,
            kdf_cost=MINIMUM_COST,
            clock=self.clock,
        )

    def secrets(self) -> SecretStore:
        return SecretStore(APP_ID, self.paths.secrets, fail.Keyring(), allow_file_fallback=True)

    def open(self, wrap: Callable[[TaskService], TaskService] = lambda inner: inner) -> DurableTasks:
        self.local = open_local(self.paths, self.secrets(), kdf_cost=MINIMUM_COST)
        self.outbox = outbox_for(self.paths.data / "outbox", "local", wrap(self.local.tasks))
        return self.outbox

    def close(self) -> None:
        if self.local is not None:
            self.local.close()
        self.local = self.outbox = None


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    made = App(AppPaths.from_environment())
    yield made
    made.close()


def everything(tasks: DurableTasks) -> dict[object, Task]:
    """Every task with every field, tags and times included."""
    return {t.id: t for t in tasks.list(TaskQuery(status=Status.ALL, limit=500)).tasks}


def _fill(tasks: DurableTasks) -> None:
    due = datetime(2026, 12, 24, 17, 30, tzinfo=UTC)
    for i in range(12):
        tasks.create(
            TaskDraft(
                title=f"Task {i}",
                description=f"Notes for {i}\nsecond line" if i % 2 else None,
                priority=(Priority.LOW, Priority.MEDIUM, Priority.HIGH)[i % 3],
                due_date=due + timedelta(days=i) if i % 4 else None,
                tags=("home", "Errands") if i % 3 == 0 else ("work",) if i % 3 == 1 else (),
                repeat="FREQ=WEEKLY" if i == 5 else None,
            )
        )
    first = next(t for t in everything(tasks).values() if t.title == "Task 1")
    tasks.update(first.id, TaskChanges(completed=True))


def test_a_restore_gives_back_every_task_exactly_and_can_be_undone(app: App) -> None:
    tasks = app.open()
    _fill(tasks)
    original = everything(tasks)
    made = app.service.back_up_now()
    assert made.kind == "manual" and made.tasks == len(original) and made.size > 0
    assert [e.key for e in app.service.backups()] == [made.key]
    # Life goes on: an edit, a deletion, a new task, a tag taken off.
    some = sorted(original.values(), key=lambda t: t.title)
    tasks.update(some[0].id, TaskChanges(title="Changed after the backup", tags=()))
    tasks.delete([some[1].id])
    tasks.create(TaskDraft(title="Made after the backup", tags=("later",)))
    later = everything(tasks)
    # A restart between: the restored database has never seen this run's session.
    app.close()
    tasks = app.open()

    before = app.service.restore(made.key)

    assert everything(tasks) == original  # every field of every task, tags and times too
    assert {t.name for t in tasks.tags()} == {"home", "Errands", "work"}
    listed = app.service.backups()
    assert listed[0] == before and before.kind == "before restore" and before.tasks == len(later)
    assert [e.made_at for e in listed] == sorted((e.made_at for e in listed), reverse=True)
    # Writing goes on through the outbox, on the restored database.
    tasks.create(TaskDraft(title="After the restore"))
    assert "After the restore" in {t.title for t in everything(tasks).values()}

    app.service.restore(before.key)  # undo the restore
    assert everything(tasks) == later
    assert any(e.key == made.key for e in app.service.backups())  # still there to choose again


def test_the_restored_database_lets_no_client_make_temporary_objects(app: App) -> None:
    app.open()
    made = app.service.back_up_now()
    app.service.restore(made.key)
    assert app.local is not None
    with psycopg.connect(app.local.server.superuser_dsn(LOCAL_DATABASE)) as conn:
        row = conn.execute(
            "SELECT has_database_privilege('public', current_database(), 'TEMPORARY'),"
            " has_database_privilege('todo_app', current_database(), 'TEMPORARY'),"
            " (SELECT version_num FROM public.alembic_version)"
        ).fetchone()
    assert row is not None and row[:2] == (False, False)


def test_edits_still_waiting_are_sent_first_or_the_restore_is_refused(app: App) -> None:
    switched: list[Switched] = []

    def wrap(inner: TaskService) -> TaskService:
        switched.append(Switched(inner))
        return switched[0]  # type: ignore[return-value]

    tasks = app.open(wrap)
    tasks.create(TaskDraft(title="Kept"))
    made = app.service.back_up_now()
    switched[0].down.set()  # the database stops answering: the next edit waits in the outbox
    tasks.create(TaskDraft(title="Typed while away"))
    assert tasks.pending_count() == 1

    with pytest.raises(TodoError, match="1 edit is still waiting"):
        app.service.restore(made.key)
    assert tasks.pending_count() == 1  # kept, not dropped
    assert not any(e.kind == "before restore" for e in app.service.backups())

    switched[0].down.clear()  # back: the restore sends it first, into the database it replaces
    before = app.service.restore(made.key)
    assert tasks.pending_count() == 0
    assert {t.title for t in everything(tasks).values()} == {"Kept"}
    assert before.tasks == 2  # "Typed while away" is in the backup of the replaced database
    app.service.restore(before.key)
    assert {t.title for t in everything(tasks).values()} == {"Kept", "Typed while away"}


def test_a_damaged_or_foreign_file_replaces_nothing(app: App) -> None:
    tasks = app.open()
    tasks.create(TaskDraft(title="Still here"))
    folder = backups_folder(app.paths.data)
    good = app.service.back_up_now()
    tasks.create(TaskDraft(title="Also still here"))
    good_path = folder / good.key

    cut = folder / "todo-20261205T110000Z.dump"  # half a file, with its counts
    cut.write_bytes(good_path.read_bytes()[: good_path.stat().st_size // 2])
    cut.with_suffix(".counts.json").write_text('{"users": 1, "tasks": 1}', encoding="utf-8")
    garbage = folder / "todo-20261205T110100Z.dump"  # not a dump at all
    garbage.write_bytes(b"PGDMP but not really" * 100)
    garbage.with_suffix(".counts.json").write_text('{"users": 1, "tasks": 1}', encoding="utf-8")
    foreign = folder / "todo-20261205T110200Z.dump"  # a real dump of another database
    assert app.local is not None
    run_tool(app.local.server, "pg_dump", ["--format=custom", f"--file={foreign}"], "postgres")
    foreign.with_suffix(".counts.json").write_text('{"users": 0, "tasks": 0}', encoding="utf-8")
    no_counts = folder / "todo-20261205T110300Z.dump"
    no_counts.write_bytes(good_path.read_bytes())
    # Bytes changed in the middle of a statement the restore runs (a function's definition;
    # not a listing's label, which pg_restore never reads back): its complaint then quotes
    # bytes that are no text.
    scrambled = folder / "todo-20261205T110400Z.dump"
    data = bytearray(good_path.read_bytes())
    middle = data.index(b"CREATE FUNCTION", len(data) // 3) + len(b"CREATE FUNCTION ")
    for k in range(middle, middle + 50):
        data[k] ^= 0xFF
    scrambled.write_bytes(bytes(data))
    scrambled.with_suffix(".counts.json").write_text('{"users": 1, "tasks": 1}', encoding="utf-8")

    for path, sentence in (
        (cut, UNREADABLE),
        (garbage, UNREADABLE),
        (foreign, NOT_A_BACKUP),
        (no_counts, NOT_A_BACKUP),
        (scrambled, UNREADABLE),
    ):
        with pytest.raises(BackupError) as refused:
            app.service.restore(path.name)
        assert refused.value.message.startswith(sentence), refused.value.message
        assert "\n" not in refused.value.message
    with pytest.raises(TodoError, match=GONE):
        app.service.restore("todo-20200101T000000Z.dump")

    assert {t.title for t in everything(tasks).values()} == {"Still here", "Also still here"}
    assert not any(b.before_restore for b in list_backups(folder))  # never got that far
    app.close()
    tasks = app.open()
    assert {t.title for t in everything(tasks).values()} == {"Still here", "Also still here"}


def test_nothing_works_until_the_local_database_is_open(app: App) -> None:
    for call in (app.service.backups, app.service.back_up_now, lambda: app.service.restore("x")):
        with pytest.raises(TodoError, match=NOT_OPEN):
            call()


def test_a_backup_of_an_older_schema_is_upgraded_before_it_is_swapped_in(app: App) -> None:
    from todo_desktop.db.schema import migrate

    tasks = app.open()
    tasks.create(TaskDraft(title="From an older version"))
    assert app.local is not None
    owner = app.local.server.url("postgres", LOCAL_DATABASE)
    app.local.db.dispose()
    older = sorted(migrate.known_revisions() - {migrate.APP_HEAD})[-1]
    migrate.downgrade(owner, older)  # as an older version of the app left it
    made = app.service.back_up_now()
    migrate.upgrade(owner)
    tasks.create(TaskDraft(title="Made after the backup"))

    app.service.restore(made.key)

    with psycopg.connect(app.local.server.superuser_dsn(LOCAL_DATABASE)) as conn:
        row = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
    assert row == (migrate.APP_HEAD,)
    assert {t.title for t in everything(tasks).values()} == {"From an older version"}
