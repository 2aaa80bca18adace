"""``todo-desktop add``, ``list`` and ``done``: quick capture from a terminal or a shortcut.

``add`` reads its text with the quick-add language here, in the command (which knows
``--now`` and ``TZ``), and hands the task to the open window over the instance socket
(``capture_socket``): no database driver, no Qt, so it costs little more than Python's own
start. With no window open it opens the database itself (``capture_store``), as the window
would. Every failure is one sentence on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from todo_desktop.cli.capture_socket import NO_ANSWER, exchange, reach
from todo_desktop.core import validation
from todo_desktop.core.clock import LocalZone, utc_now
from todo_desktop.core.empty_lists import EMPTY_HEADLINES, tag_empty
from todo_desktop.core.errors import TodoError, ValidationError
from todo_desktop.core.quick_entry import QuickEntry, day_first_for, parse, summary
from todo_desktop.core.quick_entry.summary import SEPARATOR
from todo_desktop.core.values import Priority, SmartList
from todo_desktop.ui.chrome.instance_protocol import AddRequest, DoneRequest, PingRequest, instance_address
from todo_desktop.ui.chrome.instance_reminder import reminder_fields

if TYPE_CHECKING:
    from todo_desktop.core.values import Task
    from todo_desktop.machine.paths import AppPaths

LOCAL = "local"  # todo_desktop.core.profiles.LOCAL_ID, spelled here to keep that import off the fast path
LISTS = ("inbox", "today", "upcoming", "overdue", "completed")
ID_SHOWN = 8  # hex digits of an id in ``list``: enough to tell tasks apart, short to type
ID_PREFIX_MIN = 4
KEPT = "The database cannot be reached; the task is kept on this computer and sent when it returns."
WAITING = "Todo Desktop has the task and is still saving it."


def run_capture(args: argparse.Namespace) -> int:
    """Run ``add``, ``list`` or ``done``; the exit status."""
    if args.verbose:
        _console_logging()
    try:
        command = {"add": add, "list": list_tasks, "done": done}[args.command]
        return command(args)
    except TodoError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _console_logging() -> None:
    """-v: debug details on stderr. Otherwise logging is left alone here (importing it is 4 ms
    of the fast path); the log file joins where the database is opened (capture_store)."""
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)


def _debug(args: argparse.Namespace, text: str) -> None:
    if args.verbose:
        import logging

        logging.getLogger(__name__).debug("%s", text)


# -- add -------------------------------------------------------------------------------------


def add(args: argparse.Namespace) -> int:
    zone = LocalZone()
    now = _now(args.now, zone)
    entry = parse(" ".join(args.text), now, zone, day_first=locale_day_first())
    entry.check()  # a repeat that ends before its first day, a reminder before no due date
    request = AddRequest(
        profile=LOCAL,
        title=validation.title(entry.title),
        due=entry.due,
        due_time=entry.has_time,
        priority=entry.priority or Priority.MEDIUM,
        tags=entry.tags,
        repeat=entry.repeat,
        repeat_after_completion=entry.repeat_after_completion,
        reminder=entry.reminder,
    )
    validation.draft(request.draft())  # tags and repeat too: refused here, not by the window
    if args.dry_run:
        return _print_added(args, request, None, summary(entry, now, zone))
    paths = _paths()
    request = replace(request, profile=_profile_id(paths, args.profile))
    address = instance_address(paths.data)
    reached = reach(paths.data, address, request)
    if reached.reply is not None:
        reply = reached.reply
        _debug(args, f"Handed the task to the open window over {address}")
        if reply["ok"]:
            _note_state(reply.get("state"))
            return _print_added(args, request, str(reply["id"]), summary(entry, now, zone))
        if reply.get("code") != "other-profile":
            raise TodoError(str(reply["error"]))
        _debug(args, "The window shows another profile; adding through the database")
    from todo_desktop.cli import capture_store

    # The window owns the outbox while it runs: without the lock, no outbox.
    with reached, capture_store.opened(paths, request.profile, outbox=reached.lock is not None) as ws:
        task = ws.tasks.create(request.draft())
        _note_state("kept" if ws.pending() else "saved")
        for problem in ws.problems():
            print(problem, file=sys.stderr)
    return _print_added(args, request, str(task.id), summary(entry, now, zone))


def _print_added(args: argparse.Namespace, request: AddRequest, task_id: str | None, said: str) -> int:
    if args.json:
        print(json.dumps(_add_json(request, task_id), ensure_ascii=False))
        return 0
    verb = "Would add" if task_id is None else f"Added {task_id[:ID_SHOWN]}"
    print(f"{verb} “{request.title}”" + (f"{SEPARATOR}{said}" if said else ""))
    return 0


def _add_json(request: AddRequest, task_id: str | None) -> dict[str, Any]:
    zone = LocalZone()
    return {
        "id": task_id,
        "title": request.title,
        "due": request.due.astimezone(zone).isoformat() if request.due is not None else None,
        "due_time": request.due_time,
        "priority": request.priority.value,
        "tags": list(request.tags),
        "repeat": request.repeat,
        "reminder": reminder_fields(request.reminder) if request.reminder is not None else None,
    }


def _note_state(state: object) -> None:
    if state == "kept":
        print(KEPT, file=sys.stderr)
    elif state == "waiting":
        print(WAITING, file=sys.stderr)


def _now(text: str | None, zone: tzinfo) -> datetime:
    if text is None:
        return utc_now()
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            "now", f"--now must be an ISO 8601 date and time, such as 2026-05-01T09:00+02:00, not “{text}”."
        ) from None
    if value.tzinfo is None:  # a wall-clock time, in the local zone as everything else here
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def locale_day_first() -> bool:
    """Whether 5/6 is the 5th of June, as the window reads it (from the locale's short date)."""
    import locale

    try:
        name = locale.setlocale(locale.LC_TIME, "")
        pattern = locale.nl_langinfo(locale.D_FMT)
    except (locale.Error, AttributeError):  # no such locale; Windows has no nl_langinfo
        return True
    if name.split(".")[0] in {"C", "POSIX"}:
        return True  # Qt's C locale writes "d MM yyyy": the window reads the day first
    # "%m/%d/%Y" as the Qt pattern day_first_for reads ("M/d/y").
    return day_first_for(pattern.replace("%m", "M").replace("%d", "d").replace("%e", "d").replace("%", ""))


# -- list ------------------------------------------------------------------------------------


def list_tasks(args: argparse.Namespace) -> int:
    name = args.list.strip()
    tag = validation.tag(name) if name.startswith("#") else None
    if tag is None and name.lower() not in LISTS:
        raise ValidationError("list", f"--list must be one of {', '.join(LISTS)} or #tag, not “{args.list}”.")
    from todo_desktop.cli import capture_store

    paths = _paths()
    zone = LocalZone()
    now = utc_now()
    with capture_store.opened(paths, _profile_id(paths, args.profile), outbox=False) as ws:
        if tag is not None:
            tasks = capture_store.tagged(ws.tasks, tag)
        else:
            tasks = capture_store.smart_list(ws.tasks, SmartList(name.lower()), now, zone)
    if args.json:
        print(json.dumps([_task_json(t, zone) for t in tasks], ensure_ascii=False))
    elif not tasks:
        # Said on stderr: stdout stays one line a task, so a script counting them reads 0.
        said = tag_empty(tag) if tag is not None else EMPTY_HEADLINES[SmartList(name.lower())]
        print(said, file=sys.stderr)
    else:
        for task in tasks:
            print(_task_line(task, now, zone))
    return 0


def _has_time(task: Task, zone: tzinfo) -> bool:
    """Whether the due date names a time: a date alone is stored as 23:59 local."""
    due = task.due_date
    return due is not None and due.astimezone(zone).strftime("%H:%M") != "23:59"


def _task_line(task: Task, now: datetime, zone: tzinfo) -> str:
    """The id, the title, then what the task says as the add line says it ("Tomorrow 17:00 ·
    High · #home · Every week"); medium, the default priority, goes unsaid."""
    said = summary(
        QuickEntry(
            title=task.title,
            due=task.due_date,
            has_time=_has_time(task, zone),
            priority=None if task.priority is Priority.MEDIUM else task.priority,
            tags=task.tags,
            repeat=task.repeat,
            repeat_after_completion=task.repeat_after_completion,
        ),
        now,
        zone,
    )
    line = f"{task.id.hex[:ID_SHOWN]}  {'[x] ' if task.completed else ''}{task.title}"
    return f"{line}{SEPARATOR}{said}" if said else line


def _task_json(task: Task, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": str(task.id),
        "title": task.title,
        "due": task.due_date.astimezone(zone).isoformat() if task.due_date is not None else None,
        "due_time": _has_time(task, zone),
        "priority": task.priority.value,
        "tags": list(task.tags),
        "repeat": task.repeat,
        "completed": task.completed,
    }


# -- done ------------------------------------------------------------------------------------


def done(args: argparse.Namespace) -> int:
    prefixes = [_id_prefix(text) for text in args.ids]
    paths = _paths()
    profile = _profile_id(paths, args.profile)
    address = instance_address(paths.data)
    reached = reach(paths.data, address, PingRequest())
    window = reached.reply is not None and reached.reply.get("profile") == profile
    from todo_desktop.cli import capture_store

    with reached, capture_store.opened(paths, profile, outbox=reached.lock is not None) as ws:
        tasks = capture_store.by_prefixes(ws.tasks, prefixes)
        open_tasks = [t for t in tasks if not t.completed]
        if open_tasks and window and address is not None:
            # The window completes them, so it shows them done at once and keeps the edit
            # in its outbox if the database goes away meanwhile.
            _debug(args, f"Handed the tasks to the open window over {address}")
            reply = exchange(address, DoneRequest(profile, tuple(t.id for t in open_tasks)))
            if reply is None or not reply["ok"]:
                raise TodoError(str(reply["error"]) if reply else NO_ANSWER)
        elif open_tasks:
            capture_store.complete(ws.tasks, open_tasks)
            _note_state("kept" if ws.pending() else "saved")
    for task in tasks:
        verb = "Completed" if task in open_tasks else "Already done:"
        print(f"{verb} {task.id.hex[:ID_SHOWN]} “{task.title}”")
    return 0


def _id_prefix(text: str) -> str:
    prefix = text.strip().lower().replace("-", "")
    if not ID_PREFIX_MIN <= len(prefix) <= 32 or any(c not in "0123456789abcdef" for c in prefix):
        raise ValidationError(
            "id", f"“{text}” is not an id prefix: give at least {ID_PREFIX_MIN} of the hex digits list shows."
        )
    return prefix


# -- shared ----------------------------------------------------------------------------------


def _paths() -> AppPaths:
    from todo_desktop.machine.paths import AppPaths

    return AppPaths.from_environment().ensure()


def _profile_id(paths: AppPaths, name: str | None) -> str:
    """The profile ``--profile`` names (its name, any case, or its id); Local by default."""
    if name is None or name.strip().lower() == LOCAL:
        return LOCAL
    from todo_desktop.machine.profile_store import ProfileStore

    wanted = name.strip().casefold()
    for profile in ProfileStore(paths.config).load().items:
        if wanted in {profile.name.casefold(), profile.id.casefold()}:
            return profile.id
    raise ValidationError("profile", f"There is no connection profile called “{name}”.")
