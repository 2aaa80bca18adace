"""Switching profiles back and forth quickly: a shared profile left before its kept session was
checked must not pop up its sign-in dialog later over the profile now in use.

Driven with pytest-qt against a real PostgreSQL; the keyring is an in-memory backend.
"""

from __future__ import annotations

import pytest

from tests.support.gui_fakes import shown_titles
from tests.ui.accounts import test_gui_accounts_flow as shared_tests
from tests.ui.accounts.test_gui_accounts_flow import ALICES_TASK, WAIT_MS, wait_for_list
from todo_desktop.core.profiles import LOCAL_ID

# The fixtures of the neighbouring tests, by assignment so pytest finds them here.
dana = shared_tests.dana
gateway = shared_tests.gateway
gateways = shared_tests.gateways
local_opener = shared_tests.local_opener
windows = shared_tests.windows

pytestmark = pytest.mark.gui


def test_leaving_a_shared_profile_at_once_asks_nobody_to_sign_in_to_it(
    qtbot, windows, gateway, team, local_opener, dana
):
    gateway.set_active(LOCAL_ID)
    window = windows(local_opener, gateway)
    wait_for_list(qtbot, window)
    flow = window.switch.sign_in
    assert flow is not None

    # Team, then Local again before Team's kept session (there is none) has been looked for.
    gateway.set_active(team.id)
    window.switch.switch_profile(team.id)
    gateway.set_active(LOCAL_ID)
    with qtbot.waitSignal(
        window.workers.stale_dropped,
        timeout=WAIT_MS,
        check_params_cb=lambda view, _: view.startswith("sign-in"),
    ):
        window.switch.switch_profile(LOCAL_ID)
    wait_for_list(qtbot, window)
    assert flow.dialog is None  # no sign-in to Team over the Local list
    assert shown_titles(window) == [ALICES_TASK] and window.switch.current_id == LOCAL_ID
