"""Whatever connects to the instance socket, the window stays up: oversized, malformed,
wrong-version or over-long requests, unknown fields, silent or piled-up connections get
one sentence (or the door) and nothing else; another OS user cannot get in at all, through
each of the three locks (the runtime folder, the socket's mode, the peer's user id)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.capture_helpers import RunningApp, address_for, capture_env, todo
from todo_desktop.ui.chrome.instance_protocol import MAX_MESSAGE
from todo_desktop.ui.chrome.instance_server import MAX_CONNECTIONS, READ_TIMEOUT_MS

pytestmark = [pytest.mark.slow, pytest.mark.gui]

NOBODY = 65534
SYSTEM_PYTHON = Path("/usr/bin/python3")  # one another user may run (the venv's may sit under /root)
ADD = {
    "v": 1,
    "op": "add",
    "profile": "local",
    "title": "From a script",
    "due": None,
    "due_time": False,
    "priority": "medium",
    "tags": [],
    "repeat": None,
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    # The runtime folder outside the test's own 0700 folders, so the test can open it up to
    # another user step by step.
    runtime = Path(tempfile.mkdtemp(prefix="todo-run-"))
    running = RunningApp(capture_env(tmp_path_factory.mktemp("hostile"), runtime=runtime)).start()
    try:
        yield running
    finally:
        code = running.stop()
        shutil.rmtree(runtime, ignore_errors=True)
        assert code == 0, "the window quits cleanly after all of it"


def send(address: str, data: bytes, timeout: float = 10) -> bytes:
    """Everything the window sends back before it closes the connection."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as peer:
        peer.settimeout(timeout)
        peer.connect(address)
        with contextlib.suppress(OSError):  # closed on us mid-flood: its answer is still there
            peer.sendall(data)
        received = b""
        try:
            while chunk := peer.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        return received


def refusal(address: str, data: bytes) -> dict[str, object]:
    raw = send(address, data)
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1, raw
    reply = json.loads(raw)
    assert reply["ok"] is False and reply["v"] == 1
    assert isinstance(reply["error"], str) and reply["error"].endswith("."), "one sentence"
    return reply


def line(body: dict[str, object]) -> bytes:
    return json.dumps(body).encode() + b"\n"


@pytest.mark.parametrize(
    ("data", "code", "sentence"),
    [
        (b"hello\n", "bad-request", "The request is not valid JSON."),
        (b"[1, 2]\n", "bad-request", "The request is not a JSON object."),
        (b"\xff\xfe{}\n", "bad-request", "The request is not valid JSON."),
        (b'{"v": 1, "v": 1, "op": "ping"}\n', "bad-request", "The request is not valid JSON."),
        (b'{"v": NaN, "op": "ping"}\n', "bad-request", "The request is not valid JSON."),
        (b"[" * 12_000 + b"\n", "bad-request", "The request is not valid JSON."),
        (line({"v": 2, "op": "ping"}), "version", "This window speaks protocol version 1"),
        (line({"v": True, "op": "ping"}), "version", "This window speaks protocol version 1"),
        (line({"op": "ping"}), "version", "This window speaks protocol version 1"),
        (line({"v": 1, "op": "drop"}), "bad-request", "Unknown request."),
        (line({"v": 1, "op": "ping", "sudo": True}), "bad-request", "Unknown field in the request: sudo."),
        (line({**ADD, "description": "x"}), "bad-request", "Unknown field in the request: description."),
        (line({"v": 1, "op": "add", "title": "x"}), "bad-request", "Missing field in the request"),
        (line({**ADD, "due_time": "yes"}), "bad-request", "The field due_time must be true or false."),
        (line({**ADD, "title": 5}), "bad-request", "The field title must be text."),
        (line({**ADD, "title": "x" * 300}), "invalid", "Title is 300 characters; the limit is 255."),
        (line({**ADD, "title": "two\nlines"}), "invalid", "Title must be a single line"),
        (line({**ADD, "priority": "extreme"}), "invalid", "Priority must be one of"),
        (line({**ADD, "due": "tomorrow"}), "bad-request", "The field due is not an ISO 8601"),
        (line({**ADD, "due": "2026-05-01T09:00"}), "invalid", "Due date needs a time zone."),
        (line({**ADD, "tags": "home"}), "bad-request", "The field tags must be a list of tags."),
        (line({**ADD, "tags": [1]}), "bad-request", "The field tags must be a list of tags."),
        (line({**ADD, "tags": ["no spaces"]}), "invalid", "A tag must start with a letter"),
        (line({**ADD, "tags": [f"t{n}" for n in range(30)]}), "invalid", "A task can have at most 20 tags."),
        (
            line({**ADD, "repeat": "FREQ=HOURLY"}),
            "invalid",
            "A repeat must be daily, weekly, monthly or yearly",
        ),
        (
            line({**ADD, "repeat": "DROP TABLE tasks"}),
            "bad-request",
            "The field repeat is not a repeat rule.",
        ),
        (line({**ADD, "profile": "../../etc"}), "bad-request", "The field profile is not a profile id."),
        (line({**ADD, "profile": "elsewhere"}), "other-profile", "The window shows another profile."),
        (
            line(
                {"v": 1, "op": "done", "profile": "local", "ids": ["{12345678-1234-5678-1234-567812345678}"]}
            ),
            "bad-request",
            "The field ids holds something that is not a task id.",
        ),
        (
            line({"v": 1, "op": "show", "activation_token": "a b"}),
            "bad-request",
            "The field activation_token",
        ),
        (b"x" * (MAX_MESSAGE + 100), "too-large", f"The request is longer than {MAX_MESSAGE} bytes."),
        (
            line({**ADD, "title": "x" * 20_000}),
            "too-large",
            f"The request is longer than {MAX_MESSAGE} bytes.",
        ),
        (b"y" * 4_000_000, "too-large", f"The request is longer than {MAX_MESSAGE} bytes."),
    ],
)
def test_a_bad_request_gets_one_sentence_and_the_window_stays_up(app, data, code, sentence):
    reply = refusal(address_for(app.env), data)
    assert reply["code"] == code
    assert str(reply["error"]).startswith(sentence)
    assert app.alive()


def test_a_silent_connection_is_closed_after_its_time(app):
    started = time.monotonic()
    raw = send(address_for(app.env), b"", timeout=READ_TIMEOUT_MS / 1000 + 5)
    assert json.loads(raw)["code"] == "timeout"
    assert READ_TIMEOUT_MS / 1000 - 0.5 < time.monotonic() - started < READ_TIMEOUT_MS / 1000 + 3


def test_piled_up_connections_are_turned_away_then_service_resumes(app):
    address = address_for(app.env)
    held = []
    try:
        for _ in range(MAX_CONNECTIONS):
            peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            peer.connect(address)
            held.append(peer)
        time.sleep(0.3)  # the window has accepted them all
        extra = send(address, line({"v": 1, "op": "ping"}), timeout=5)
        assert extra == b"", "one more than the limit is closed without a word"
    finally:
        for peer in held:
            peer.close()
    time.sleep(0.3)
    assert json.loads(send(address, line({"v": 1, "op": "ping"})))["ok"] is True


def test_after_all_that_a_task_still_arrives(app):
    out = todo(app.env, "add", "Still standing")
    assert out.returncode == 0, out.stderr
    app.wait_for_title("Still standing", timeout=5)


PROBE = """
import socket, sys
peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
peer.settimeout(5)
try:
    peer.connect(sys.argv[1])
except OSError as exc:
    sys.exit(print(type(exc).__name__))
try:
    peer.sendall(b'{"v": 1, "op": "ping"}\\n')
    answer = peer.recv(4096)
except (ConnectionResetError, BrokenPipeError):  # refused before it could send or read
    answer = b""
print(f"answer {answer!r}" if answer else "closed without an answer")
"""


def as_nobody(address: str) -> str:
    out = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", PROBE, address],
        user=NOBODY,
        group=NOBODY,
        capture_output=True,
        text=True,
        timeout=30,
        cwd="/",
        env={"PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="switching users needs root")
@pytest.mark.skipif(not SYSTEM_PYTHON.exists(), reason="no Python that another user may run")
def test_another_user_cannot_get_in(app):
    address = Path(address_for(app.env))
    folders = [address.parent.parent, address.parent]  # $XDG_RUNTIME_DIR, and the app's own
    assert address.parent.parent != Path(tempfile.gettempdir()), "never change the system's temp folder"
    try:
        assert as_nobody(str(address)) == "PermissionError", "the runtime folders are the user's alone"
        for folder in folders:
            folder.chmod(0o711)
        assert as_nobody(str(address)) == "PermissionError", "the socket itself is 0600"
        address.chmod(0o666)
        assert as_nobody(str(address)) == "closed without an answer", "the window checks who is there"
    finally:
        address.chmod(0o600)
        for folder in folders:
            folder.chmod(0o700)
    assert app.alive()
    assert json.loads(send(str(address), line({"v": 1, "op": "ping"})))["ok"] is True
