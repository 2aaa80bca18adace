"""What the command line and the open window say to each other over the instance socket.

Standard library only (no Qt): the command line imports this on its fast path, where Qt
alone would cost several times its whole budget. The window's server (``instance_server``)
reads requests with `read_request`; the command writes them with `encode` and reads the
replies with `read_reply`.

One request per connection, one reply: a JSON object on one line, UTF-8, ending in a
newline, at most `MAX_MESSAGE` bytes. Anything local running as the same user can connect,
so a request is read strictly: the protocol version must be this one, every field must be
of its type and within its limits, an unknown or repeated field refuses the whole request,
and the texts pass the same rules as the window's own fields (``core.validation``).

Where it listens: a Unix socket in a private runtime folder (``$XDG_RUNTIME_DIR`` or a
``0700`` folder of the user's in the temporary folder, checked to be theirs alone), named
after the data folder, so each home (``TODO_DESKTOP_HOME``) has its own window; on Windows a
named pipe named after the user and the data folder, which Qt gives an access list of that
user alone.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from todo_desktop import APP_ID
from todo_desktop.core import validation
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.reminders import ReminderSetting, check_offset
from todo_desktop.core.values import Priority, TaskDraft
from todo_desktop.ui.chrome.instance_reminder import NOT_A_REMINDER, read_reminder, reminder_fields

VERSION = 1
MAX_MESSAGE = 16 * 1024  # a title is at most 255 characters; this leaves room and no more
MAX_REPEAT = 200
MAX_IDS = 1000
MAX_TOKEN = 512
_PROFILE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_RRULE = re.compile(r"^[A-Z0-9=;,+-]+$")  # checked before the parser sees it
_TOKEN = re.compile(r"^[\x21-\x7e]+$")
# sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included.
_SOCKET_PATH_MAX = 103
LOCK_NAME = "instance.lock"


class ProtocolError(Exception):
    """A request or reply that is not what this version speaks; ``code`` for the reply."""

    def __init__(self, message: str, code: str = "bad-request") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# -- where ----------------------------------------------------------------------------------


def instance_key(data_folder: Path) -> str:
    """Names the window of one data folder: the same home, the same window.

    64-bit FNV-1a: a name, not a secret (the folder it sits in keeps others out), and
    hashlib would load OpenSSL, 3 ms of the command's fast path."""
    value = 0xCBF29CE484222325
    for byte in str(data_folder).encode("utf-8", "surrogateescape"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def instance_address(data_folder: Path, environ: dict[str, str] | None = None) -> str | None:
    """The server name for QLocalServer and the command: a socket path, or on Windows a pipe
    name. None when no folder private to this user can be had (then there is no server)."""
    key = instance_key(data_folder)
    if sys.platform == "win32":
        user = re.sub(r"[^A-Za-z0-9_.-]", "_", os.environ.get("USERNAME", "user"))[:64]
        return f"{APP_ID}-{user}-{key}"
    name = f"instance-{key}.sock"
    for folder in _runtime_folders(os.environ if environ is None else environ):
        path = folder / name
        if len(os.fsencode(path)) <= _SOCKET_PATH_MAX and _private_folder(folder):
            return str(path)
    return None


def pipe_path(address: str) -> str:
    """Where the standard library opens the pipe QLocalServer made of ``address`` on Windows."""
    return address if address.startswith("\\\\") else f"\\\\.\\pipe\\{address}"


def _runtime_folders(env: Any) -> list[Path]:
    uid = os.geteuid()
    folders = []
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and _owned_privately(Path(runtime), uid):
        folders.append(Path(runtime) / APP_ID)
    # /tmp is shared: the folder is made 0700 and then checked, so one someone else planted
    # there (or a symlink) is refused rather than used. /tmp last: macOS's own TMPDIR is
    # private, but long enough to leave little room for a socket's name.
    for temporary in dict.fromkeys([env.get("TMPDIR") or "/tmp", "/tmp"]):  # noqa: S108
        folders.append(Path(temporary) / f"{APP_ID}-{uid}")
    return folders


def _private_folder(folder: Path) -> bool:
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return False
    return _owned_privately(folder, os.geteuid())


def _owned_privately(folder: Path, uid: int) -> bool:
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o077


# -- what -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShowRequest:
    """Bring the window forward (a second start). The token lets Wayland and X11 allow it."""

    activation_token: str | None = None


@dataclass(frozen=True, slots=True)
class PingRequest:
    """Is a window there, and which profile does it show?"""


@dataclass(frozen=True, slots=True)
class AddRequest:
    """A task read by the command's quick-add parser; the window adds it as typed there."""

    profile: str
    title: str
    due: datetime | None = None
    due_time: bool = False
    priority: Priority = Priority.MEDIUM
    tags: tuple[str, ...] = ()
    repeat: str | None = None
    repeat_after_completion: bool = False
    reminder: ReminderSetting | None = None

    def draft(self) -> TaskDraft:
        """The task to store. The one place a capture becomes a task: the window's path and
        the command's own database path both make their draft here."""
        return TaskDraft(
            title=self.title,
            priority=self.priority,
            due_date=self.due,
            tags=self.tags,
            repeat=self.repeat,
            repeat_after_completion=self.repeat_after_completion,
            reminder=self.reminder,
        )


@dataclass(frozen=True, slots=True)
class DoneRequest:
    """Complete these tasks (whole ids: the command resolved the prefixes)."""

    profile: str
    ids: tuple[uuid.UUID, ...]


Request = ShowRequest | PingRequest | AddRequest | DoneRequest

_OPS: dict[str, tuple[type, frozenset[str], frozenset[str]]] = {
    # op: (type, required fields, optional fields)
    "show": (ShowRequest, frozenset(), frozenset({"activation_token"})),
    "ping": (PingRequest, frozenset(), frozenset()),
    "add": (
        AddRequest,
        frozenset({"profile", "title", "due", "due_time", "priority", "tags", "repeat"}),
        frozenset({"repeat_after_completion", "reminder"}),
    ),
    "done": (DoneRequest, frozenset({"profile", "ids"}), frozenset()),
}


def encode(message: Request | dict[str, Any]) -> bytes:
    """One line of JSON: a request as the command sends it, or a reply (a dict) as is."""
    body = message if isinstance(message, dict) else _request_fields(message)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _request_fields(request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {"v": VERSION}
    if isinstance(request, ShowRequest):
        out["op"] = "show"
        if request.activation_token:
            out["activation_token"] = request.activation_token
    elif isinstance(request, PingRequest):
        out["op"] = "ping"
    elif isinstance(request, AddRequest):
        out.update(
            op="add",
            profile=request.profile,
            title=request.title,
            due=request.due.isoformat() if request.due is not None else None,
            due_time=request.due_time,
            priority=request.priority.value,
            tags=list(request.tags),
            repeat=request.repeat,
            repeat_after_completion=request.repeat_after_completion,
        )
        if request.reminder is not None:  # only then: a window of the version before knows no such field
            out["reminder"] = reminder_fields(request.reminder)
    else:
        out.update(op="done", profile=request.profile, ids=[str(i) for i in request.ids])
    return out


def read_request(raw: bytes) -> Request:
    """The request in one line, read strictly; raises ProtocolError with one sentence."""
    body = _json_object(raw)
    version = body.get("v")
    if type(version) is not int or version != VERSION:
        raise ProtocolError(
            f"This window speaks protocol version {VERSION}; restart Todo Desktop to use this command.",
            "version",
        )
    op = body.get("op")
    if not isinstance(op, str) or op not in _OPS:
        raise ProtocolError("Unknown request.")
    kind, required, optional = _OPS[op]
    fields = set(body) - {"v", "op"}
    if fields - required - optional:
        raise ProtocolError(f"Unknown field in the request: {sorted(fields - required - optional)[0]}.")
    if required - fields:
        raise ProtocolError(f"Missing field in the request: {sorted(required - fields)[0]}.")
    try:
        if kind is ShowRequest:
            return ShowRequest(_token(body.get("activation_token")))
        if kind is PingRequest:
            return PingRequest()
        if kind is DoneRequest:
            return DoneRequest(_profile(body["profile"]), _ids(body["ids"]))
        return _add(body)
    except ValidationError as exc:
        raise ProtocolError(exc.message, "invalid") from None


def _add(body: dict[str, Any]) -> AddRequest:
    request = AddRequest(
        profile=_profile(body["profile"]),
        title=validation.title(_text(body["title"], "title")),
        due=_due(body["due"]),
        due_time=_flag(body["due_time"], "due_time"),
        priority=validation.priority(_text(body["priority"], "priority")),
        tags=_tags(body["tags"]),
        repeat=_repeat(body["repeat"]),
        repeat_after_completion=_flag(body.get("repeat_after_completion", False), "repeat_after_completion"),
        reminder=_reminder(body.get("reminder")),
    )
    check_offset(request.reminder, request.due)
    return request


def _reminder(value: object) -> ReminderSetting | None:
    try:
        return read_reminder(value)
    except ValueError:
        raise ProtocolError(NOT_A_REMINDER) from None


def read_reply(raw: bytes) -> dict[str, Any]:
    """The window's answer: ``ok`` and, when not, a sentence in ``error``."""
    body = _json_object(raw)
    if body.get("v") != VERSION or type(body.get("ok")) is not bool:
        raise ProtocolError("Todo Desktop answered in a way this command does not understand.", "version")
    if not body["ok"] and not isinstance(body.get("error"), str):
        raise ProtocolError("Todo Desktop refused the request without saying why.")
    return body


def accepted(**fields: Any) -> dict[str, Any]:
    return {"v": VERSION, "ok": True, **fields}


def refusal(message: str, code: str) -> dict[str, Any]:
    return {"v": VERSION, "ok": False, "error": message, "code": code}


# -- reading, strictly --------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"repeated field {key}")
        out[key] = value
    return out


def _json_object(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_MESSAGE:
        raise ProtocolError(f"The request is longer than {MAX_MESSAGE} bytes.", "too-large")
    try:
        text = raw.decode("utf-8")
        body = json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError("The request is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ProtocolError("The request is not a JSON object.")
    return body


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ProtocolError(f"The field {field} must be text.")
    return value


def _flag(value: object, field: str) -> bool:
    if type(value) is not bool:
        raise ProtocolError(f"The field {field} must be true or false.")
    return value


def _profile(value: object) -> str:
    text = _text(value, "profile")
    if not _PROFILE_ID.match(text):
        raise ProtocolError("The field profile is not a profile id.")
    return text


def _due(value: object) -> datetime | None:
    if value is None:
        return None
    text = _text(value, "due")
    try:
        due = datetime.fromisoformat(text) if len(text) <= 40 else None
    except ValueError:
        due = None
    if due is None:
        raise ProtocolError("The field due is not an ISO 8601 date and time.")
    return validation.due_date(due)


def _tags(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ProtocolError("The field tags must be a list of tags.")
    return validation.tags(value)  # the window's own rules: the letters, how long, how many


def _repeat(value: object) -> str | None:
    if value is None:
        return None
    text = _text(value, "repeat")
    if len(text) > MAX_REPEAT or not _RRULE.match(text):
        raise ProtocolError("The field repeat is not a repeat rule.")
    return validation.repeat(text)  # the supported subset, written as the database keeps it


def _ids(value: object) -> tuple[uuid.UUID, ...]:
    if not isinstance(value, list) or not 0 < len(value) <= MAX_IDS:
        raise ProtocolError(f"The field ids must list 1 to {MAX_IDS} task ids.")
    ids = []
    for item in value:
        text = _text(item, "ids")
        try:
            task_id = uuid.UUID(text)
        except ValueError:
            task_id = None
        if task_id is None or str(task_id) != text:  # one spelling only: no braces, no URN
            raise ProtocolError("The field ids holds something that is not a task id.")
        ids.append(task_id)
    return tuple(ids)


def _token(value: object) -> str | None:
    if value is None:
        return None
    text = _text(value, "activation_token")
    if len(text) > MAX_TOKEN or not _TOKEN.match(text):
        raise ProtocolError("The field activation_token is not an activation token.")
    return text
