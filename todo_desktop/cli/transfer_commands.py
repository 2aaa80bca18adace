"""``todo-desktop import FILE`` and ``todo-desktop export FILE --format F``.

Both open the profile's database themselves, as ``list`` does: the embedded server is
joined if the window runs it (and stopped again after, if this command started it), and a
shared profile resumes the session kept in the keyring. Neither goes through the window or
its outbox: an import is thousands of rows, each batch committed as it goes, and the open
window shows them at its next refresh (every half minute, or F5), which is said.

Import first prints the preview sentence and the rows it would skip, one sentence each with
their line, and asks before importing when there are any (``--yes`` answers for scripts).
Progress goes to stderr on a terminal. Ctrl+C stops between batches, and the sentence says
that running the same command again finishes the import (ids are stable, nothing is added
twice). Every failure is one sentence on stderr and exit status 2; a cancel is 130.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from todo_desktop.core import interchange
from todo_desktop.core.clock import LocalZone, utc_now
from todo_desktop.core.errors import TodoError, ValidationError
from todo_desktop.core.failures import UNEXPECTED
from todo_desktop.core.interchange import ImportResult, Problem
from todo_desktop.machine.paths import AppPaths

if TYPE_CHECKING:
    from todo_desktop.cli.capture_store import Opened

log = logging.getLogger(__name__)

LISTED = 50  # skipped rows printed one a line before "and N more"
WINDOW_NOTE = "Todo Desktop is open: it shows the imported tasks at its next refresh (F5 now)."
DECLINED = "Nothing was imported."
INTERRUPTED = 130


def run_transfer(args: argparse.Namespace, paths: AppPaths) -> int:
    """Run ``import`` or ``export``; the exit status."""
    if not getattr(args, "verbose", False):
        _quiet_console()
    try:
        if args.command == "import":
            return import_command(args, paths)
        return export_command(args, paths)
    except TodoError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # a second Ctrl+C, or one before any batch began
        print("Stopped; nothing more was sent.", file=sys.stderr)
        return INTERRUPTED
    except Exception:
        log.exception("The %s command failed", args.command)
        print(UNEXPECTED, file=sys.stderr)
        return 2


def _quiet_console() -> None:
    """Only this command's sentences on stderr: the log file still gets every record (an
    unexpected error's traceback goes there, not to the terminal)."""
    for handler in logging.getLogger().handlers:
        if type(handler) is logging.StreamHandler:
            handler.setLevel(logging.CRITICAL + 1)


# -- import ----------------------------------------------------------------------------------


def import_command(args: argparse.Namespace, paths: AppPaths) -> int:
    from todo_desktop.sync.transfer import ImportJob, prepare_search
    from todo_desktop.sync.transfer_export import read_file

    zone = LocalZone()
    from todo_desktop.cli.capture import locale_day_first

    data = read_file(Path(args.file))
    result = interchange.read(data, args.format, zone=zone, now=utc_now(), day_first=locale_day_first())
    print(interchange.summary(result))
    _list_problems(result.skipped, sys.stdout)
    if not result.rows:
        raise TodoError("The file holds no task that can be imported.")
    if result.bad_rows and not args.yes and not _confirm(result):
        print(DECLINED, file=sys.stderr)
        return 1
    profile = _profile_id(paths, args.profile)
    window = _window_profile(paths)
    with _opened(paths, profile) as opened, _Interrupts() as stop:
        tasks = opened.tasks
        job = ImportJob(tasks, opened.account_id, result, reminders=opened.reminders)
        with _Meter("Importing", "tasks") as meter:
            report = job.run(progress=meter.show, cancelled=stop.is_set)
        if report.sent and not stop.is_set():
            # The search keys the database left for later (stopped: the app makes the rest).
            prepare_search(tasks, cancelled=stop.is_set)
    if not report.complete:
        print(report.sentence(), file=sys.stderr)
        return INTERRUPTED if report.cancelled else 2
    print(report.sentence())
    if window == profile and report.added:
        print(WINDOW_NOTE)
    return 0


def _list_problems(problems: tuple[Problem, ...], out: TextIO) -> None:
    if not problems:
        return
    for problem in problems[:LISTED]:
        print(f"  {problem.sentence[:1].upper()}{problem.sentence[1:]}.", file=out)
    if len(problems) > LISTED:
        print(f"  … and {len(problems) - LISTED:,} more.", file=out)


def _confirm(result: ImportResult) -> bool:
    count = len(result.rows)
    noun = "task" if count == 1 else "tasks"
    if not sys.stdin.isatty():
        raise ValidationError(
            "yes", f"Some rows would be skipped; run again with --yes to import the other {count:,} {noun}."
        )
    print(f"Import the other {count:,} {noun}? [y/N] ", end="", flush=True)
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        print()
        return False
    return answer.strip().lower() in {"y", "yes"}


# -- export ----------------------------------------------------------------------------------


def export_command(args: argparse.Namespace, paths: AppPaths) -> int:
    from todo_desktop.sync.transfer_export import TransferCancelled, export_file, writable_format

    fmt = writable_format(args.format)
    path = Path(args.file)
    if path.is_dir():
        raise ValidationError("file", f"{path.name or path} is a folder; name the file to write.")
    profile = _profile_id(paths, args.profile)
    with _opened(paths, profile) as opened, _Interrupts() as stop:
        try:
            with _Meter("Reading", "tasks") as meter:
                report = export_file(
                    opened.tasks,
                    path,
                    fmt,
                    zone=LocalZone(),
                    progress=meter.show,
                    cancelled=stop.is_set,
                    reminders=opened.reminders,
                )
        except TransferCancelled as exc:
            print(exc.message, file=sys.stderr)
            return INTERRUPTED
    print(report.sentence())
    return 0


# -- shared ----------------------------------------------------------------------------------


def _profile_id(paths: AppPaths, name: str | None) -> str:
    from todo_desktop.cli.capture import _profile_id as by_name

    return by_name(paths, name)


def _window_profile(paths: AppPaths) -> str | None:
    """The profile an open window shows, or None when no window answers."""
    from todo_desktop.cli.capture_socket import exchange
    from todo_desktop.ui.chrome.instance_protocol import PingRequest, instance_address

    address = instance_address(paths.data)
    if address is None:
        return None
    try:
        reply = exchange(address, PingRequest())
    except TodoError:
        return None
    return str(reply.get("profile")) if reply and reply.get("ok") else None


@contextlib.contextmanager
def _opened(paths: AppPaths, profile_id: str) -> Iterator[Opened]:
    """The profile's tasks, straight to the database (no outbox), its account and reminders."""
    from todo_desktop.cli.capture_store import opened

    with opened(paths, profile_id, outbox=False) as workspace:
        if workspace.warning:
            print(workspace.warning, file=sys.stderr)
        yield workspace


class _Interrupts:
    """The first Ctrl+C asks the work to stop after its batch; a second one stops at once."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._previous: object = None

    def __enter__(self) -> threading.Event:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self._event

    def __exit__(self, *_exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]

    def _handle(self, _number: int, _frame: FrameType | None) -> None:
        if self._event.is_set():
            raise KeyboardInterrupt
        self._event.set()
        print("\nStopping after this batch (Ctrl+C again stops at once)…", file=sys.stderr, flush=True)


class _Meter:
    """One line on stderr that counts up, on a terminal only (a log or a pipe gets nothing)."""

    def __init__(self, verb: str, noun: str) -> None:
        self._verb, self._noun = verb, noun
        self._live = sys.stderr.isatty()
        self._shown = False

    def __enter__(self) -> _Meter:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)

    def show(self, done: int, total: int) -> None:
        if self._live:
            self._shown = True
            text = f"\r{self._verb} {done:,} of {total:,} {self._noun}…"
            print(text, end="", file=sys.stderr, flush=True)
