"""Composition root: command line, logging, and the wiring of the data layer to the GUI.

Nothing else creates engines, servers or windows; every other module receives them.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from todo_desktop import APP_ID
from todo_desktop.cli.parser import build_parser

if TYPE_CHECKING:
    import logging

    from todo_desktop.core.profiles import Profile, Profiles
    from todo_desktop.machine.paths import AppPaths
    from todo_desktop.machine.profile_store import ProfileStore

# Kept light on purpose, logging included: ``todo-desktop add`` starts here, and hands its
# task to an open window in little more than the time Python takes to start.
CAPTURE_COMMANDS = {"add", "list", "done"}


def _log() -> logging.Logger:
    import logging

    return logging.getLogger(APP_ID)


def _setup_logging(paths: AppPaths, *, verbose: bool) -> None:
    import logging

    from todo_desktop.machine.log_files import open_log_file

    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    try:
        root.addHandler(open_log_file(paths.logs))
    except OSError as exc:  # a read-only home must not stop the app
        _log().warning("Not logging to a file: %s", exc)


class _DeferredProfiles:
    """The shared-database gateway, built on its first real use (on a worker, as a rule).

    Building it imports SQLAlchemy, Alembic and psycopg: about half a second that the
    window should not wait for. Until then the profile list comes from the plain store.
    """

    def __init__(self, store: ProfileStore, build: Callable[[], Any]) -> None:
        self._store = store
        self._build = build
        self._real: Any = None
        self._lock = threading.Lock()

    def _gateway(self) -> Any:
        with self._lock:
            if self._real is None:
                self._real = self._build()
            return self._real

    def profiles(self) -> Profiles:
        return self._real.profiles() if self._real is not None else self._store.load()

    def profile(self, profile_id: str) -> Profile:
        return self.profiles().get(profile_id)

    def close(self) -> None:
        if self._real is not None:
            self._real.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gateway(), name)


class _CollectorPause:
    """The cyclic garbage collector held off while the app starts.

    Start-up imports (Qt, SQLAlchemy, psycopg, pydantic) make hundreds of thousands of
    long-lived objects and next to no garbage, yet they set off full collections that scan
    them all again and again: about 0.15 s before the first tasks. After start-up the
    survivors are frozen (never scanned again, as the task list does with its loaded rows)
    and collection resumes.
    """

    def __init__(self) -> None:
        self._paused = gc.isenabled()
        if self._paused:
            gc.disable()

    def end(self) -> None:
        if self._paused:
            self._paused = False
            gc.freeze()
            gc.enable()


def _run_gui(paths: AppPaths, argv: list[str]) -> int:
    from todo_desktop.cli.capture_socket import claim_window
    from todo_desktop.ui.chrome.instance_protocol import instance_address

    paths.ensure()  # the instance lock, the window settings and the profiles live there
    # Before Qt is imported: a second start only brings the open window forward, at once,
    # passing on its launcher's token (Wayland lets a window take the focus only with one).
    claim = claim_window(paths.data, instance_address(paths.data), os.environ.get("XDG_ACTIVATION_TOKEN"))
    if claim.forwarded:
        _log().info("Todo Desktop is open already; brought its window forward")
        return 0
    try:
        from todo_desktop.machine.display import missing_display

        if (reason := missing_display(os.environ, sys.platform)) is not None:
            print(reason, file=sys.stderr)
            return 2
        return _run_window(paths, argv, claim.address)
    finally:
        claim.release()  # after the local workspace has closed: its outbox is free now


def _local_backups(paths: AppPaths, opened: list[tuple[Any, str | None, Any]]) -> Any:
    """File > Back Up Now and Restore…: on the Local profile's server (``opened``: the
    local workspace, its keyring note and its outbox), once it is open."""
    from todo_desktop.db.local.backup_service import LocalBackups  # light: the rest on first use
    from todo_desktop.machine.secret_store import SecretStore

    return LocalBackups(
        paths.data,
        lambda: (opened[0][0], opened[0][2]) if opened else None,
        lambda: SecretStore(APP_ID, paths.secrets, allow_file_fallback=True),
    )


def _privacy(paths: AppPaths, profiles: Any, opened: list[Any], opening: threading.Lock) -> Any:
    """Account > Export All My Data and Delete My Account (on Local: Erase This Computer's
    Data), through the shared gateway's sessions and the Local profile's server."""
    from todo_desktop.db.privacy import Privacy  # light: the rest on first use
    from todo_desktop.machine.secret_store import SecretStore

    def close_local() -> None:
        """Stop the embedded server and forget it: the next open starts afresh."""
        with opening:
            while opened:
                opened.pop()[0].close()

    return Privacy(
        profiles,
        lambda: opened[0][0] if opened else None,
        close_local=close_local,
        data_folder=paths.data,
        local_secrets=lambda: SecretStore(APP_ID, paths.secrets, allow_file_fallback=True),
    )


def _run_window(paths: AppPaths, argv: list[str], instance: str | None) -> int:
    pause = _CollectorPause()  # before the GUI's own imports
    from todo_desktop.core.app_services import AppServices
    from todo_desktop.core.errors import TodoError
    from todo_desktop.core.ports import Workspace
    from todo_desktop.core.reachability import Reachability
    from todo_desktop.machine.profile_store import ProfileStore
    from todo_desktop.machine.secret_store import SecretStore
    from todo_desktop.ui.app import run_gui
    from todo_desktop.ui.chrome.quit_signals import QuitSignals

    reachability = Reachability()  # every database tells the window when it is waking
    outbox_folder = paths.data / "outbox"
    opened: list[tuple[Any, str | None, Any]] = []
    opening = threading.Lock()
    quitting = threading.Event()  # the window has gone: a server started now would outlive it

    def opener() -> Workspace:
        """The Local profile; called on a worker, and again after switching back to Local."""
        from todo_desktop.db.local.opener import open_local
        from todo_desktop.sync.outbox import outbox_for

        with opening:  # one embedded server and one sign-in per run, however often it is asked
            try:
                if not opened:
                    if quitting.is_set():
                        raise TodoError("Todo Desktop is quitting.")
                    secrets = SecretStore(APP_ID, paths.secrets, allow_file_fallback=True)
                    local = open_local(paths, secrets, reachability=reachability, daily_backup=True)
                    # Edits made while the server is unreachable wait in a file, and survive a quit.
                    durable = outbox_for(outbox_folder, "local", local.tasks)
                    opened.append((local, secrets.unusable_reason, durable))
            finally:
                pause.end()  # start-up's imports are done, whatever the outcome
            local, keyring_note, durable = opened[0]
        # Without a keyring the private file is the design for Local, not a fault: a quiet note.
        from todo_desktop.db.reminders import ReminderRepository

        return Workspace(
            tasks=durable,
            outbox=durable,
            account=local.signed_in.account,
            where=local.db.target.display_host,
            note=keyring_note,
            reminders=ReminderRepository(local.db, local.signed_in.token),
        )

    def shared_gateway() -> Any:
        from todo_desktop.db.shared.gateway import SharedDatabases

        pause.end()  # a shared profile opens first: start-up's imports are done now
        # Shared profiles never fall back to a file: without a keyring their secrets live in
        # memory and the app asks again at the next start (DESIGN.md section 5).
        return SharedDatabases(
            ProfileStore(paths.config),
            lambda: SecretStore(APP_ID, None, allow_file_fallback=False),
            reachability=reachability,
            outbox_folder=outbox_folder,
        )

    profiles = _DeferredProfiles(ProfileStore(paths.config), shared_gateway)
    # Each service imports its part of the data layer only when first used, on a worker.
    services = AppServices(
        backups=_local_backups(paths, opened), privacy=_privacy(paths, profiles, opened, opening)
    )
    left_running: list[Any] = []  # jobs still waiting for an unreachable database at quit
    # The session ending (or Ctrl+C) quits through the window, as Ctrl+Q does, and is held
    # off from then on until the embedded server has stopped: ending the process at once
    # would leave that server running with no app to stop it.
    with QuitSignals() as quit_signals:
        try:
            code = run_gui(
                opener,
                argv,
                profiles=profiles,
                settings_path=paths.config / "window.ini",
                reachability=reachability,
                left_running=left_running,
                quit_signals=quit_signals,
                instance_address=instance,
                services=services,
            )
        finally:
            # run_gui has waited for the writes (or left those retrying an unreachable
            # database); this ends sessions not kept.
            profiles.close()
            pause.end()  # neither profile opened (a quick quit)
            # Quitting while Local still opens (the session ending at start-up, say): that
            # start is waited for, so the server it started is stopped here too. The exit
            # would wait for the start's thread anyway; this only adds the stop.
            quitting.set()
            with opening:
                for local, _, _ in opened:
                    local.close()
    if left_running:  # still retrying when the window went, however they are doing now
        _end_now(code)
    return code


def _end_now(code: int) -> NoReturn:
    """End the process without waiting for the jobs still retrying an unreachable database.

    A normal exit would wait for them (Qt's thread pools do, and Python's shutdown cannot
    stop a thread in a retry): up to the retry budget, with no window left to say why.
    They hold nothing to lose: the person quit with every edit in the outbox file, which
    is written to disk before an edit counts, and is sent at the next start.
    """
    import logging

    _log().info("Quitting without waiting for jobs still retrying the database")
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    # The embedded server's package warns, on import, when the session has no runtime folder
    # (over SSH, in a container): it only picks another place for a lock file, and the app
    # keeps its sockets in folders it checks itself. Not a notice for the terminal.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set", category=UserWarning)
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list)
    if args.command in CAPTURE_COMMANDS:
        from todo_desktop.cli.capture import run_capture

        return run_capture(args)
    from todo_desktop.core.errors import TodoError
    from todo_desktop.machine.paths import AppPaths

    paths = AppPaths.from_environment()
    _setup_logging(paths, verbose=args.verbose)
    try:
        if args.self_check:
            from todo_desktop.cli.self_check import run_self_check

            return run_self_check()
        if args.command in ("import", "export"):
            from todo_desktop.cli.transfer_commands import run_transfer

            return run_transfer(args, paths)
        if args.command == "db" and args.db_command == "backup":
            from todo_desktop.cli.db_backup import db_backup

            return db_backup(args.database_url, args.file)
        if args.command == "db":
            from todo_desktop.cli import admin_commands

            step = {"upgrade": admin_commands.db_upgrade, "current": admin_commands.db_current}
            return step[args.db_command](args.database_url)
        if args.command == "admin":
            from todo_desktop.cli import admin_commands

            admin: dict[str, Callable[[], int]] = {
                "create-client-role": lambda: admin_commands.admin_create_client_role(
                    args.name, args.database_url, connection_limit=args.connection_limit
                ),
                "list-client-roles": lambda: admin_commands.admin_list_client_roles(args.database_url),
                "disable-client-role": lambda: admin_commands.admin_disable_client_role(
                    args.name, args.database_url
                ),
            }
            return admin[args.admin_command]()
        return _run_gui(paths, [sys.argv[0], *args_list])
    except TodoError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
