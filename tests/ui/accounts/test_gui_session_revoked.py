"""The session ended elsewhere (Sign Out Everywhere on another device) while this window is
open: the person should be asked, once, to sign in again, not left with a window that says
"sign in again" on every read while Account > Sign In… stays disabled.

Not fixed yet: the window cannot tell this failure from any other. ``core.failures.Failure``
carries ``unavailable`` but nothing for NotSignedInError, and ``ui.workers.Workers`` has no
signal for it; both lie outside the accounts UI. See the report of this change.
"""

from __future__ import annotations

import pytest

from tests.support.database import PASSWORD
from tests.ui.accounts import test_gui_accounts_flow as shared_tests
from tests.ui.accounts.test_gui_accounts_flow import EMAIL, sign_in, sign_in_dialog, wait_for_list
from todo_desktop.db.accounts import AccountService

# The fixtures of the neighbouring tests, by assignment so pytest finds them here.
dana = shared_tests.dana
gateway = shared_tests.gateway
gateways = shared_tests.gateways
local_opener = shared_tests.local_opener
windows = shared_tests.windows

pytestmark = pytest.mark.gui

ENDED = "session has ended"


@pytest.mark.xfail(strict=True, reason="needs a signed-out mark on Failure and a Workers signal")
def test_a_session_revoked_elsewhere_asks_to_sign_in_again(
    qtbot, windows, gateway, team, local_opener, dana, accounts: AccountService
):
    window = windows(local_opener, gateway)
    first = sign_in_dialog(qtbot, window)
    sign_in(qtbot, first)
    wait_for_list(qtbot, window)
    elsewhere = accounts.sign_in(EMAIL, PASSWORD)
    accounts.sign_out_everywhere(elsewhere.token)

    window.refresh()
    qtbot.waitUntil(lambda: ENDED in window.statusBar().currentMessage(), timeout=10_000)
    flow = window.switch.sign_in
    assert flow is not None
    # The answer that said so is in; asking again needs one more read (the kept session).
    qtbot.waitUntil(lambda: flow.dialog is not first and flow.dialog is not None, timeout=5_000)
    assert flow.dialog is not None and flow.dialog.isVisible()
    assert window.session.workspace is None
