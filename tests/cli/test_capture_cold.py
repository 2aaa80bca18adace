"""``todo-desktop add``, ``list`` and ``done`` with no window open: each opens the embedded
database of its home as the window does (the server started, the local account signed in,
the server stopped again with its last user), on a real PostgreSQL, in its own process."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from keyring.backends import fail

from tests.support.capture_helpers import capture_env, todo
from tests.support.repo import ROOT
from todo_desktop import APP_ID
from todo_desktop.core.profiles import Profile, Profiles, new_profile_id
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.local.opener import open_local
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.profile_store import ProfileStore
from todo_desktop.machine.secret_store import SecretStore
from todo_desktop.sync.outbox_file import Outbox, draft_to_json, when_to_json

pytestmark = pytest.mark.slow


def ok(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr == "", "a command that worked says nothing on stderr"
    return out.stdout


def server_stopped(env: dict[str, str]) -> bool:
    return not (AppPaths.from_environment(env).data / "pgdata" / "postmaster.pid").exists()


def test_a_session_without_a_runtime_folder_hears_no_library_notice(tmp_path):
    """Over SSH or in a container XDG_RUNTIME_DIR is often unset: the command still says only
    what it did, not a library's warning about where it would keep its lock file."""
    env = capture_env(tmp_path)
    del env["XDG_RUNTIME_DIR"]
    assert ok(todo(env, "add", "Buy milk")).startswith("Added ")


def said_empty(out: subprocess.CompletedProcess[str]) -> str:
    """An empty list: nothing on stdout (a script counting lines reads 0), the sentence the
    window shows on stderr, and success."""
    assert out.returncode == 0 and out.stdout == "", out.stdout + out.stderr
    return out.stderr


def test_add_list_and_done_on_the_embedded_database(tmp_path):
    env = capture_env(tmp_path)
    assert said_empty(todo(env, "list")) == "Your Inbox is empty.\n"
    assert ok(todo(env, "list", "--json")) == "[]\n"
    added = ok(todo(env, "add", "--now", "2026-05-01T09:00", "Buy milk tomorrow !high #shop"))
    assert added.startswith("Added ") and added.endswith(" “Buy milk” · Tomorrow · High · #shop\n")
    assert server_stopped(env), "the command started the server, so it stops it, as the window does"
    stored = json.loads(ok(todo(env, "add", "--json", "Call the plumber")))
    assert stored["title"] == "Call the plumber" and uuid.UUID(stored["id"])

    listed = json.loads(ok(todo(env, "list", "--json")))
    assert [t["title"] for t in listed] == ["Buy milk", "Call the plumber"]  # by due date, undated last
    milk = listed[0]
    assert milk["due"] == "2026-05-02T23:59:00+02:00" and milk["due_time"] is False
    assert milk["priority"] == "high" and milk["completed"] is False
    lines = ok(todo(env, "list")).splitlines()
    assert lines[1] == f"{stored['id'][:8]}  Call the plumber"

    done = ok(todo(env, "done", stored["id"][:6]))
    assert done == f"Completed {stored['id'][:8]} “Call the plumber”\n"
    assert [t["title"] for t in json.loads(ok(todo(env, "list", "--json")))] == ["Buy milk"]
    completed = json.loads(ok(todo(env, "list", "--list", "completed", "--json")))
    assert [(t["id"], t["completed"]) for t in completed] == [(stored["id"], True)]
    again = ok(todo(env, "done", stored["id"].upper()))  # the whole id, any case, is a prefix too
    assert again.startswith("Already done: ")
    assert server_stopped(env)


def test_tags_and_repeats_are_stored_and_listed(tmp_path):
    env = capture_env(tmp_path)
    now = "2026-05-01T09:00"
    ok(todo(env, "add", "--now", now, "Water the plants every monday #Home #garden"))
    ok(todo(env, "add", "--now", now, "Pay rent every month on the 1st #home !high"))
    ok(todo(env, "add", "--now", now, "Call the bank"))
    home = json.loads(ok(todo(env, "list", "--list", "#HOME", "--json")))  # any case names the tag
    assert [(t["title"], t["tags"], t["repeat"]) for t in home] == [
        ("Pay rent", ["Home"], "FREQ=MONTHLY;BYMONTHDAY=1"),  # one tag, as first spelled
        ("Water the plants", ["Home", "garden"], "FREQ=WEEKLY;BYDAY=MO"),
    ]
    lines = ok(todo(env, "list", "--list", "#garden")).splitlines()
    assert len(lines) == 1 and lines[0].endswith(
        "  Water the plants · Mon 4 May · #Home #garden · Every Monday"
    )
    assert said_empty(todo(env, "list", "--list", "#Gardn")) == "No open tasks tagged #Gardn.\n"
    assert said_empty(todo(env, "list", "--list", "completed")) == "No completed tasks yet.\n"


def test_done_on_a_repeating_task_makes_its_next_occurrence_once(tmp_path):
    env = capture_env(tmp_path)
    made = json.loads(ok(todo(env, "add", "--json", "Water the plants every day")))
    ok(todo(env, "done", made["id"][:8]))
    after = json.loads(ok(todo(env, "list", "--json")))
    assert [(t["title"], t["repeat"]) for t in after] == [("Water the plants", "FREQ=DAILY")]
    assert after[0]["id"] != made["id"] and after[0]["due"] > made["due"]
    done = json.loads(ok(todo(env, "list", "--list", "completed", "--json")))
    assert [t["id"] for t in done] == [made["id"]]


def _create(env: dict[str, str], *drafts: TaskDraft) -> None:
    """Tasks with ids of the test's choosing, through the data layer itself."""
    paths = AppPaths.from_environment(env)
    secrets = SecretStore(APP_ID, paths.secrets, allow_file_fallback=True, backend=fail.Keyring())
    local = open_local(paths, secrets)
    try:
        for draft in drafts:
            local.tasks.create(draft)
    finally:
        local.close()


def test_done_needs_a_prefix_that_names_one_task(tmp_path):
    env = capture_env(tmp_path)
    ok(todo(env, "add", "First one"))  # the home and its account, made as the app makes them
    a = uuid.UUID("abcd1111-0000-4000-8000-000000000001")
    b = uuid.UUID("abcd2222-0000-4000-8000-000000000002")
    _create(env, TaskDraft(title="Task A", id=a), TaskDraft(title="Task B", id=b))

    ambiguous = todo(env, "done", "abcd")
    assert ambiguous.returncode == 2 and ambiguous.stdout == ""
    assert ambiguous.stderr == "The id prefix abcd matches 2 tasks; give more of its digits.\n"
    unknown = todo(env, "done", "0000ffff")
    assert unknown.returncode == 2 and unknown.stderr == "No task has an id starting with 0000ffff.\n"
    assert ok(todo(env, "done", "ABCD-1")) == "Completed abcd1111 “Task A”\n"
    titles = sorted(t["title"] for t in json.loads(ok(todo(env, "list", "--json"))))
    assert titles == ["First one", "Task B"]


def test_an_edit_left_in_the_outbox_goes_first(tmp_path):
    """A task the window kept in its outbox (the database away at quit) is sent, in order,
    by the next command that opens the database, like the window's next start would."""
    env = capture_env(tmp_path)
    ok(todo(env, "add", "Made first"))
    paths = AppPaths.from_environment(env)
    waiting = TaskDraft(title="Kept while offline")
    now = when_to_json(datetime.now(UTC))
    Outbox(paths.data / "outbox", "local").append({"op": "create", "draft": draft_to_json(waiting), "v": now})

    ok(todo(env, "add", "Made after"))
    listed = json.loads(ok(todo(env, "list", "--json")))
    assert {t["id"]: t["title"] for t in listed}[str(waiting.id)] == "Kept while offline"
    assert len(listed) == 3
    assert Outbox(paths.data / "outbox", "local").entries() == [], "sent, so no longer kept"


def test_commands_at_the_same_moment_take_turns(tmp_path):
    env = capture_env(tmp_path)
    ok(todo(env, "add", "Make the home"))
    racing = [
        subprocess.Popen(
            [sys.executable, "-m", "todo_desktop", "add", f"Racer {n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for process in racing:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, out + err
    titles = sorted(t["title"] for t in json.loads(ok(todo(env, "list", "--json"))))
    assert titles == ["Make the home", "Racer 0", "Racer 1", "Racer 2"]
    assert server_stopped(env)


def test_a_shared_profile_without_a_kept_session_says_how_to_sign_in(tmp_path):
    env = capture_env(tmp_path)
    paths = AppPaths.from_environment(env).ensure()
    work = Profile(id=new_profile_id(), name="Work", host="db.invalid", database="todo", user="ana")
    store = ProfileStore(paths.config)
    store.save(Profiles().with_profile(work))
    out = todo(env, "add", "--profile", "work", "Send the invoice")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == (
        "You are not signed in to “Work”: sign in once in Todo Desktop with “Stay signed in” ticked, "
        "then try again.\n"
    )
