"""A profile edited in the Connections dialog takes effect at once: the workspace in use opens
again on the new settings, without a restart. Real server behind two fault proxies (the old
address and the new one), real widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.support.database import PASSWORD
from tests.support.faultproxy import FaultProxy, proxied_url, upstream_for
from tests.support.gui_fakes import key, real_opener
from tests.support.memory_keyring import MemoryKeyring
from tests.support.shared_helpers import add_profile, make_gateway
from todo_desktop.core.ports import Credentials
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]

EMAIL = "ivan@example.com"
WAIT_MS = 20_000


def test_a_changed_port_is_used_at_once_by_the_open_workspace(
    qtbot, tmp_path: Path, keyring: MemoryKeyring, test_db, proxy: FaultProxy, alice, alice_tasks
):
    moved = FaultProxy(upstream_for(test_db.client_url)).start()
    gateway = make_gateway(tmp_path / "config", keyring, retry_budget=1.0, outbox_folder=tmp_path / "outbox")
    window = None
    try:
        profile = add_profile(gateway, proxied_url(test_db.client_url, proxy.port), name="Team")
        gateway.set_active(profile.id)
        gateway.register(profile.id, Credentials(EMAIL, PASSWORD, stay_signed_in=True, first_name="Ivan"))
        settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(real_opener(alice_tasks, alice.account), gateway, settings=settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.open_workspace()
        qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table, timeout=WAIT_MS)

        window.switch.open_connections()
        dialog = window.switch.connections
        assert dialog is not None
        row = next(i for i in range(dialog.list.count()) if "Team" in dialog.list.item(i).text())
        dialog.list.setCurrentRow(row)
        dialog.edit_selected()
        editor = dialog.editor
        assert editor is not None
        editor.port_spin.setValue(moved.port)
        editor.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not editor.isVisible(), timeout=WAIT_MS)
        dialog.close()

        proxy.refuse()  # the old address is gone: only the new one can serve the next edit
        proxy.cut()
        qtbot.waitUntil(
            lambda: (
                window.session.workspace is not None
                and window.area.stack.currentWidget() is window.area.table
            ),
            timeout=WAIT_MS,
        )
        window.activateWindow()
        key(qtbot, window, "Ctrl+N")
        qtbot.keyClicks(window.area.quick_add, "Sent to the new port")
        key(qtbot, window.area.quick_add, "Return")
        with test_db.superuser() as su:

            def stored() -> bool:
                return (
                    su.execute("SELECT count(*) FROM tasks WHERE title = 'Sent to the new port'").fetchone()[
                        0
                    ]
                    == 1
                )

            qtbot.waitUntil(stored, timeout=WAIT_MS)
        assert window.status.pending_label.text() == ""
        assert moved.accepted > 0
    finally:
        if window is not None:
            window.close()
            window.workers.wait_for_all(WAIT_MS)
        gateway.close()
        moved.stop()
