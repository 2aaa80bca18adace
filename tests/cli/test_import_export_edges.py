"""``todo-desktop import`` and ``export`` when things go wrong: hostile files, rows to skip
without a ``--yes``, Ctrl+C halfway (then the same command again), a shared profile without a
kept session. Each a sentence on stderr and a status, never a traceback."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.capture_helpers import capture_env, todo
from tests.support.repo import ROOT
from todo_desktop.core.profiles import Profile, Profiles, new_profile_id
from todo_desktop.core.validation import TAG_MAX, TAGS_PER_TASK
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.profile_store import ProfileStore

pytestmark = pytest.mark.slow


def refused(out: subprocess.CompletedProcess[str], sentence: str, code: int = 2) -> None:
    assert (out.returncode, out.stderr) == (code, sentence + "\n"), out.stdout + out.stderr
    assert "Traceback" not in out.stdout


def test_files_that_cannot_be_imported_get_one_sentence(tmp_path: Path):
    env = capture_env(tmp_path)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    refused(
        todo(env, "import", str(binary)),
        "The file is not UTF-8 text (byte 1 is not); save it again as “CSV UTF-8” in Excel, "
        "or with the character set “Unicode (UTF-8)” in LibreOffice, and import that.",
    )
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(129 * 2**20)  # sparse: the size alone refuses it, nothing is read
    refused(todo(env, "import", str(huge)), "The file is 129 MB; the limit is 128 MB.")
    refused(
        todo(env, "import", str(tmp_path / "nowhere.ics")),
        "Cannot read “nowhere.ics”: no such file or directory.",
    )
    refused(todo(env, "import", str(tmp_path)), f"Cannot read “{tmp_path.name}”: is a directory.")
    prose = tmp_path / "notes.txt"
    prose.write_text("Dear diary,\ntoday I\n", encoding="utf-8")
    out = todo(env, "import", str(prose))
    assert out.returncode == 2 and out.stderr.startswith("The file is in none of the formats this app reads")
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    refused(todo(env, "import", str(empty)), "The file holds no task that can be imported.")
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\nBEGIN:VTODO\nSUMMARY:x\n", encoding="utf-8")
    out = todo(env, "import", str(broken))
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_bad_rows_are_listed_by_line_and_need_a_yes(tmp_path: Path):
    env = capture_env(tmp_path)
    source = tmp_path / "mixed.csv"
    rows = [
        "title,due",
        "Buy milk,2030-03-01",
        ",2030-03-01",
        "Pay\x00rent,",
        "Call Bob,31/31/2031",
        "Water,",
    ]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = todo(env, "import", str(source))  # stdin is no terminal: nothing to ask
    refused(out, "Some rows would be skipped; run again with --yes to import the other 2 tasks.")
    assert out.stdout.splitlines() == [
        "2 tasks; 3 rows skipped: line 3 has no title, line 4 has a NUL character in its title, "
        "line 5 has a due date “31/31/2031” that is not a date",
        "  Line 3 has no title.",
        "  Line 4 has a NUL character in its title.",
        "  Line 5 has a due date “31/31/2031” that is not a date.",
    ]
    done = todo(env, "import", str(source), "--yes")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.splitlines()[-1] == "Imported 2 tasks: 2 new, 0 already there; 3 rows skipped."
    listed = json.loads(todo(env, "list", "--json").stdout)
    assert sorted(t["title"] for t in listed) == ["Buy milk", "Water"]


def test_tasks_the_file_itself_left_out_are_listed_but_not_asked_about(tmp_path: Path):
    env = capture_env(tmp_path)
    source = tmp_path / "task-export.json"
    records = [
        {"uuid": "0a4c6a8e-9d6f-4a8e-9a57-0d2b8b1e7f01", "status": "pending", "description": "Buy milk"},
        {"uuid": "0a4c6a8e-9d6f-4a8e-9a57-0d2b8b1e7f02", "status": "deleted", "description": "Gone"},
    ]
    source.write_text(json.dumps(records), encoding="utf-8")
    out = todo(env, "import", str(source))  # stdin is no terminal, and nothing to ask
    assert out.returncode == 0, out.stderr
    assert "  Record 2 was deleted in Taskwarrior." in out.stdout.splitlines()
    assert out.stdout.splitlines()[-1] == "Imported 1 task: 1 new, 0 already there; 1 row skipped."


def test_export_refuses_what_it_cannot_write(tmp_path: Path):
    env = capture_env(tmp_path)
    out = todo(env, "export", str(tmp_path / "x.csv"), "--format", "todoist")
    assert out.returncode == 2 and "invalid choice: 'todoist'" in out.stderr  # argparse's own sentence
    refused(
        todo(env, "export", str(tmp_path / "missing" / "x.csv"), "--format", "csv"),
        "Cannot write “x.csv”: no such file or directory.",
    )
    refused(
        todo(env, "export", str(tmp_path), "--format", "csv"),
        f"{tmp_path.name} is a folder; name the file to write.",
    )


def test_a_shared_profile_without_a_kept_session_says_so(tmp_path: Path):
    env = capture_env(tmp_path)
    paths = AppPaths.from_environment(env).ensure()
    work = Profile(id=new_profile_id(), name="Work", host="db.invalid", database="todo", user="ana")
    ProfileStore(paths.config).save(Profiles().with_profile(work))
    source = tmp_path / "one.csv"
    source.write_text("title\nSend the invoice\n", encoding="utf-8")
    sentence = (
        "You are not signed in to “Work”: sign in once in Todo Desktop with “Stay signed in” ticked, "
        "then try again."
    )
    refused(todo(env, "import", str(source), "--profile", "work"), sentence)
    refused(
        todo(env, "export", str(tmp_path / "out.json"), "--format", "json", "--profile", "Work"), sentence
    )
    refused(
        todo(env, "export", str(tmp_path / "o.json"), "--format", "json", "--profile", "Home"),
        "There is no connection profile called “Home”.",
    )


def _big_file(path: Path, count: int) -> None:
    records = [
        {"uuid": f"{i:08x}-0000-4000-8000-000000000000", "description": f"Task {i}"} for i in range(count)
    ]
    path.write_text(json.dumps(records), encoding="utf-8")


def test_ctrl_c_stops_between_batches_and_the_same_command_finishes(tmp_path: Path):
    env = capture_env(tmp_path) | {"PYTHONUNBUFFERED": "1"}
    source = tmp_path / "big.json"
    count = 20_000
    _big_file(source, count)
    # stderr on a terminal, so the progress line shows; Ctrl+C once it has moved.
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "todo_desktop", "import", str(source)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 90
    while b"Importing 1,000 of" not in seen and b"Importing 2,000 of" not in seen:
        assert time.monotonic() < deadline and process.poll() is None, seen
        if select.select([leader], [], [], 0.5)[0]:
            seen += os.read(leader, 4096)
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=60)
    while select.select([leader], [], [], 0.2)[0]:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    said = seen.decode("utf-8", "replace")
    assert process.returncode == 130, (stdout, said)
    assert "Stopping after this batch" in said and "Traceback" not in said
    last = said.replace("\x1b[K", "").replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("Import cancelled: ") and last.endswith(
        f"of {count:,} tasks went in; import the file again to add the rest "
        "(the tasks already in are not added twice)."
    ), said
    went_in = int(last.removeprefix("Import cancelled: ").split(" of ")[0].replace(",", ""))
    assert 0 < went_in < count and went_in % 1000 == 0, "whole batches only"

    again = todo(env, "import", str(source))
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == (
        f"Imported {count:,} tasks: {count - went_in:,} new, {went_in:,} already there."
    )
    out = tmp_path / "all.json"
    assert todo(env, "export", str(out), "--format", "json").returncode == 0
    ids = [t["id"] for t in json.loads(out.read_text(encoding="utf-8"))["tasks"]]
    assert len(ids) == count == len(set(ids))


def test_rows_with_more_tags_than_a_task_holds_are_listed_and_the_rest_go_in(tmp_path: Path):
    env = capture_env(tmp_path)
    many = " ".join(f"t{i}" for i in range(TAGS_PER_TASK + 1))
    long_tag = "x" * (TAG_MAX + 16)
    source = tmp_path / "tags.csv"
    lines = ["title,tags", "Buy milk,home", f"Many,{many}", f"Long,home {long_tag}", "Water,garden"]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = todo(env, "import", str(source))
    refused(out, "Some rows would be skipped; run again with --yes to import the other 3 tasks.")
    assert f"  Line 3 has {TAGS_PER_TASK + 1} tags; a task holds at most {TAGS_PER_TASK}." in out.stdout
    assert f"line 4 has a tag of {TAG_MAX + 16} characters" in out.stdout.splitlines()[0]
    done = todo(env, "import", str(source), "--yes")
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert done.stdout.splitlines()[-1] == "Imported 3 tasks: 3 new, 0 already there; 1 row skipped."
    listed = {t["title"]: t["tags"] for t in json.loads(todo(env, "list", "--json").stdout)}
    assert listed == {"Buy milk": ["home"], "Long": ["home"], "Water": ["garden"]}


def test_row_numbers_of_two_sheets_are_two_tasks_and_a_sheet_again_is_none_new(tmp_path: Path):
    env = capture_env(tmp_path)
    alpha, beta = tmp_path / "alpha.csv", tmp_path / "beta.csv"
    alpha.write_text("ID,Title\n1,Alpha\n", encoding="utf-8")
    beta.write_text("ID,Title\n1,Beta\n", encoding="utf-8")
    said = [todo(env, "import", str(path)).stdout.splitlines()[-1] for path in (alpha, beta, alpha)]
    assert said == [
        "Imported 1 task: 1 new, 0 already there.",
        "Imported 1 task: 1 new, 0 already there.",
        "Imported 1 task: 0 new, 1 already there.",
    ]
    listed = json.loads(todo(env, "list", "--json").stdout)
    assert sorted(t["title"] for t in listed) == ["Alpha", "Beta"]
