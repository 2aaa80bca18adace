"""File > Back Up Now and File > Restore… in the window, on the embedded database wired as
the app wires it: restoring while the window is open ends with the window showing the
restored tasks, the backup of the replaced database listed (so the restore can be undone),
and the window working on; a shared profile is told its host backs it up."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget

from tests.support.gui_fakes import settle, shown_titles
from tests.support.memory_tasks import ALICE, MemoryTasks
from tests.support.outbox_helpers import Switched
from tests.support.restart_helpers import open_as_the_app
from todo_desktop import APP_ID
from todo_desktop.core.app_services import AppServices, BackupEntry
from todo_desktop.core.ports import Workspace
from todo_desktop.core.values import TaskQuery
from todo_desktop.db.local.backup_service import LocalBackups
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore
from todo_desktop.sync.outbox import DurableTasks
from todo_desktop.ui.accounts.workspace_switch import OPEN_VIEW
from todo_desktop.ui.backups.feature import SHARED, BackupFeatures
from todo_desktop.ui.backups.restore_dialog import RestoreDialog
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.timeout(120)]

WAIT_MS = 20_000


def _add(qtbot, window: MainWindow, title: str) -> None:
    window.area.quick_add.setText(title)
    qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)


def _features(window: MainWindow) -> BackupFeatures:
    return window.features.backups


def _said(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def _back_up_one(qtbot, window: MainWindow, title: str) -> None:
    _add(qtbot, window, title)
    settle(qtbot, window)
    window.command_table[CommandId.BACK_UP].trigger()
    qtbot.waitUntil(lambda: _said(window).startswith("Backed up 1 task at "), timeout=WAIT_MS)


def _restore_list(qtbot, window: MainWindow) -> RestoreDialog:
    """File > Restore… open on its list of backups, each restore confirmed as asked."""
    features = _features(window)
    features.confirm = lambda _parent, _sentence, go: go()
    window.command_table[CommandId.RESTORE_BACKUP].trigger()
    dialog = features.dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.busy, timeout=WAIT_MS)
    return dialog


@pytest.fixture
def opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Workspace, LocalBackups]]:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    paths = AppPaths.from_environment()
    local, durable = open_as_the_app(paths)
    workspace = Workspace(
        tasks=durable, outbox=durable, account=local.signed_in.account, where=local.db.target.display_host
    )
    service = LocalBackups(
        paths.data,
        lambda: (local, durable),
        lambda: SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True),
        kdf_cost=MINIMUM_COST,
    )
    try:
        yield workspace, service
    finally:
        local.close()


@pytest.fixture
def window(qtbot, tmp_path: Path, opened: tuple[Workspace, LocalBackups]) -> Iterator[MainWindow]:
    workspace, service = opened
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    made = MainWindow(
        lambda: workspace, settings=settings, quit_wait_ms=10_000, services=AppServices(backups=service)
    )
    qtbot.addWidget(made)
    made.show()
    try:
        made.open_workspace()
        qtbot.waitUntil(lambda: made.area.stack.currentWidget() is made.area.table, timeout=WAIT_MS)
        yield made
    finally:
        made.close()
        made.workers.wait_for_all(10_000)


def test_restoring_while_the_window_is_open(qtbot, window: MainWindow) -> None:
    for title in ("Alpha", "Beta"):
        _add(qtbot, window, title)
    settle(qtbot, window)
    window.command_table[CommandId.BACK_UP].trigger()
    qtbot.waitUntil(lambda: _said(window).startswith("Backed up 2 tasks at "), timeout=WAIT_MS)
    _add(qtbot, window, "Gamma, made after the backup")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 3, timeout=WAIT_MS)

    features = _features(window)
    asked: list[str] = []

    def confirm(_parent: QWidget, sentence: str, go: Callable[[], None]) -> None:
        asked.append(sentence)
        go()

    features.confirm = confirm
    window.command_table[CommandId.RESTORE_BACKUP].trigger()
    dialog = features.dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.busy, timeout=WAIT_MS)
    assert [(e.kind, e.tasks) for e in dialog.entries()] == [("manual", 2)]
    first = dialog.list.topLevelItem(0)
    assert first is not None and first.text(2) == "2"
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)  # Enter restores the chosen backup, once asked

    assert len(asked) == 1 and "with 2 tasks?" in asked[0] and "kept as a backup" in asked[0]
    assert dialog.restoring
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: sorted(shown_titles(window)) == ["Alpha", "Beta"], timeout=WAIT_MS)
    assert _said(window).startswith("Restored the backup of ")
    kinds = [(e.kind, e.tasks) for e in dialog.entries()]
    assert kinds[0] == ("before restore", 3) and ("manual", 2) in kinds
    assert dialog.status.text().startswith("Restored the backup of ")

    # The window works on, on the restored database.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    _add(qtbot, window, "Delta, after the restore")
    settle(qtbot, window)
    workspace = window.session.workspace
    assert workspace is not None and workspace.outbox is not None
    assert workspace.outbox.pending_count() == 0
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 3, timeout=WAIT_MS)

    # And the restore can be undone from the same list: the backup of the replaced database.
    window.command_table[CommandId.RESTORE_BACKUP].trigger()
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.busy, timeout=WAIT_MS)
    assert dialog.current_entry() == dialog.entries()[0]
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: sorted(shown_titles(window)) == ["Alpha", "Beta", "Gamma, made after the backup"],
        timeout=WAIT_MS,
    )


def test_nothing_opens_the_database_a_restore_is_replacing(
    qtbot, window: MainWindow, opened: tuple[Workspace, LocalBackups], monkeypatch: pytest.MonkeyPatch
) -> None:
    _back_up_one(qtbot, window, "Kept")
    _add(qtbot, window, "Made after the backup")
    settle(qtbot, window)

    service = opened[1]
    restore, started, go_on = service.restore, threading.Event(), threading.Event()

    def slow_restore(key: str) -> BackupEntry:
        started.set()
        go_on.wait(WAIT_MS / 1000)
        return restore(key)

    monkeypatch.setattr(service, "restore", slow_restore)
    dialog = _restore_list(qtbot, window)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    # While it runs: the outage banner's retry, the database answering again, F5. Each opens
    # a closed workspace, here the database on its way out.
    window.outage.probe.emit()
    window.outage.back.emit()
    window.command_table[CommandId.RELOAD].trigger()
    qtbot.waitUntil(lambda: not window.workers.reading(OPEN_VIEW), timeout=WAIT_MS)
    assert window.session.workspace is None
    go_on.set()

    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shown_titles(window) == ["Kept"], timeout=WAIT_MS)
    _add(qtbot, window, "After the restore")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: sorted(shown_titles(window)) == ["After the restore", "Kept"], timeout=WAIT_MS)
    assert sorted(t.title for t in opened[0].tasks.list(TaskQuery()).tasks) == ["After the restore", "Kept"]


def test_a_shared_profile_is_backed_up_by_its_host(qtbot, window: MainWindow) -> None:
    shared = Workspace(tasks=MemoryTasks(), account=ALICE, where="db.example.com", profile_id="team")
    window.switch.close()
    window.session.open(shared)
    for command in (CommandId.BACK_UP, CommandId.RESTORE_BACKUP):
        window.statusBar().clearMessage()
        window.command_table[command].trigger()
        assert _said(window) == SHARED
    assert _features(window)._dialog is None  # nothing was opened


def test_edits_waiting_for_the_database_hold_the_restore_back(qtbot, window: MainWindow) -> None:
    _back_up_one(qtbot, window, "Kept")
    workspace = window.session.workspace
    assert workspace is not None and isinstance(workspace.outbox, DurableTasks)
    durable = workspace.outbox
    switched = Switched(durable.inner)
    durable.use(switched)
    switched.down.set()  # the database stops answering: the next edit waits in the outbox
    _add(qtbot, window, "Typed while away")
    qtbot.waitUntil(lambda: durable.pending_count() == 1 and durable.offline, timeout=WAIT_MS)

    dialog = _restore_list(qtbot, window)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert dialog.status.text().startswith("1 edit is waiting for the database, so nothing was restored")
    assert window.session.workspace is workspace and not dialog.busy  # nothing closed, nothing run
    assert durable.pending_count() == 1

    switched.down.clear()  # back: the window sends the edit, and then the restore may go
    qtbot.waitUntil(lambda: durable.pending_count() == 0, timeout=WAIT_MS)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.entries()[0].kind == "before restore", timeout=WAIT_MS)
    assert dialog.entries()[0].tasks == 2  # the edit sent in time is in the copy of what was replaced
    qtbot.waitUntil(lambda: shown_titles(window) == ["Kept"], timeout=WAIT_MS)
