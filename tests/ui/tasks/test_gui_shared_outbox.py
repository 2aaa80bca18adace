"""A shared profile in the window: an edit made while its database is away waits in the
outbox, the status bar counts it, signing out says where it went, and it is sent as its
author at the next sign-in. Real server through the fault proxy, real widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.support.database import PASSWORD
from tests.support.faultproxy import FaultProxy, proxied_url
from tests.support.gui_fakes import key, real_opener
from tests.support.memory_keyring import MemoryKeyring
from tests.support.shared_helpers import add_profile, make_gateway
from todo_desktop.core.ports import Credentials
from todo_desktop.core.values import SignedIn, TaskQuery
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]

EMAIL = "gina@example.com"
WAIT_MS = 20_000


def test_an_offline_edit_on_a_shared_profile_is_counted_kept_at_sign_out_and_sent_later(
    qtbot, tmp_path: Path, keyring: MemoryKeyring, test_db, proxy: FaultProxy, alice: SignedIn, alice_tasks
):
    def gateway():
        return make_gateway(tmp_path / "config", keyring, retry_budget=1.0, outbox_folder=tmp_path / "outbox")

    setup = gateway()
    profile = add_profile(setup, proxied_url(test_db.client_url, proxy.port), name="Team")
    setup.set_active(profile.id)
    form = Credentials(EMAIL, PASSWORD, stay_signed_in=True, first_name="Gina", last_name="Tester")
    setup.register(profile.id, form)
    setup.close()  # quitting keeps the session: the window resumes it

    shared = gateway()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(real_opener(alice_tasks, alice.account), shared, settings=settings)
    qtbot.addWidget(window)
    try:
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        window.open_workspace()
        qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table, timeout=WAIT_MS)
        assert window.session.workspace is not None and window.session.workspace.outbox is not None

        proxy.refuse()
        proxy.cut()
        key(qtbot, window, "Ctrl+N")
        qtbot.keyClicks(window.area.quick_add, "Written on the train")
        key(qtbot, window.area.quick_add, "Return")
        qtbot.waitUntil(lambda: window.status.pending_label.text() == "1 edit waiting", timeout=WAIT_MS)
        assert "Written on the train" in [t.title for t in window.tasks.model.tasks()]

        window.command_table[CommandId.SIGN_OUT].trigger()
        said: list[str] = []
        window.statusBar().messageChanged.connect(said.append)
        qtbot.waitUntil(lambda: any("made offline" in m for m in said), timeout=WAIT_MS)
        message = next(m for m in said if "made offline" in m)
        assert "1 edit made offline will be sent when you sign in to this account here again." in message
    finally:
        window.close()
        window.workers.wait_for_all(WAIT_MS)
        shared.close()

    proxy.passthrough()
    later = gateway()
    try:
        workspace = later.sign_in(profile.id, Credentials(EMAIL, PASSWORD))
        assert workspace.outbox is not None and workspace.outbox.pending_count() == 1
        assert workspace.outbox.flush().sent == 1
        assert [t.title for t in workspace.tasks.list(TaskQuery()).tasks] == ["Written on the train"]
    finally:
        later.close()
