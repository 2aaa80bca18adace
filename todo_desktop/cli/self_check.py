"""``--self-check``: the whole stack, headless, on a throwaway embedded server.

The packaged binary uses it as its smoke test, so it exercises the real pieces: the
bundled PostgreSQL, the migrations, argon2, RLS. It prints one line per step.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from todo_desktop import __version__
from todo_desktop.core.errors import NotFoundError, NotSignedInError, TodoError
from todo_desktop.core.values import Priority, Status, TaskChanges, TaskDraft, TaskEdit, TaskQuery
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine, single_connection
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.roles import create_client_role
from todo_desktop.db.schema import migrate
from todo_desktop.db.tasks import TaskRepository

T = TypeVar("T")
PASSWORD = "self-check password"  # noqa: S105 - a throwaway account


class CheckFailed(Exception):
    pass


class _Steps:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self.failed: set[str] = set()

    def __call__(self, name: str, action: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            result = action()
        except Exception as exc:
            elapsed = (time.perf_counter() - started) * 1000
            detail = exc.message if isinstance(exc, TodoError) else f"{type(exc).__name__}: {exc}"
            print(f"FAIL {name} ({elapsed:.0f} ms): {detail}", file=self.out, flush=True)
            self.failed.add(name)
            raise CheckFailed(name) from exc
        elapsed = (time.perf_counter() - started) * 1000
        self.count += 1
        print(f"ok   {name:<48} {elapsed:8.1f} ms", file=self.out, flush=True)
        return result


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


def run_self_check(out: TextIO | None = None) -> int:
    out = out or sys.stdout
    print(f"Todo Desktop {__version__} self-check", file=out)
    folder = Path(tempfile.mkdtemp(prefix="todo-self-check-"))
    server = EmbeddedServer(folder)
    step = _Steps(out)
    db: Database | None = None
    try:
        step("start a throwaway embedded PostgreSQL", server.start)
        step("create the database", lambda: server.ensure_database("todo"))
        step("migrate to the newest schema", lambda: migrate.upgrade(server.url("postgres", "todo")))
        owner = parse_database_url(server.url("postgres", "todo"), private=True)
        with single_connection(owner, transaction=True) as conn:
            step("create a client role (member of todo_app)", lambda: create_client_role(conn, "self_check"))
        target = parse_database_url(server.url("self_check", "todo"), private=True)
        db = Database(create_db_engine(target), target)
        accounts = AccountService(db)
        step("register user A", lambda: accounts.register("a@example.com", "Ada", "A", PASSWORD))
        step("register user B", lambda: accounts.register("b@example.com", "Bea", "B", PASSWORD))
        a = step("sign in as A", lambda: accounts.sign_in("a@example.com", PASSWORD))
        b = step("sign in as B", lambda: accounts.sign_in("b@example.com", PASSWORD))
        tasks_a, tasks_b = TaskRepository(db, a.token), TaskRepository(db, b.token)
        task = step("create a task as A", lambda: tasks_a.create(TaskDraft(title="Self-check task")))
        edited = step(
            "edit it",
            lambda: tasks_a.update(task.id, TaskChanges(title="Edited", priority=Priority.URGENT)),
        )
        _expect(edited.title == "Edited" and edited.priority is Priority.URGENT, "edit did not stick")
        completing = [TaskEdit(edited.id, TaskChanges(completed=True), edited.updated_at)]
        done = step("complete it", lambda: tasks_a.update_many(completing).stored[0])
        _expect(done.completed, "completion did not stick")
        seen = step("list A's open tasks", lambda: tasks_a.list(TaskQuery()))
        _expect(seen.tasks == (), "a completed task showed among open ones")

        def b_is_blind() -> None:
            _expect(tasks_b.list(TaskQuery(status=Status.ALL)).tasks == (), "B sees A's tasks")
            try:
                tasks_b.update(task.id, TaskChanges(title="B was here"))
            except NotFoundError:
                pass
            else:
                raise CheckFailed("B changed A's task")
            _expect(tasks_b.delete([task.id]) == 0, "B deleted A's task")
            _expect(tasks_a.get(task.id).title == "Edited", "A's task was altered")

        step("prove B cannot see or change A's tasks", b_is_blind)
        step("delete the task as A", lambda: _expect(tasks_a.delete([task.id]) == 1, "delete failed"))
        step("sign out A", lambda: accounts.sign_out(a.token))

        def token_is_dead() -> None:
            try:
                accounts.current_account(a.token)
            except NotSignedInError:
                return
            raise CheckFailed("A's token still works after sign-out")

        step("prove A's old token is refused", token_is_dead)
    except CheckFailed as failed:
        if failed.args and failed.args[0] not in step.failed:
            print(f"FAIL {failed.args[0]}", file=out)
        print("self-check FAILED", file=out)
        return 1
    finally:
        if db is not None:
            db.dispose()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"self-check passed: {step.count} steps", file=out)
    return 0
