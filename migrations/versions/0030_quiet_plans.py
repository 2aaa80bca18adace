"""no plan of a statement inside a function reaches the client

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07

Any role may set debug_print_parse, debug_print_rewritten and debug_print_plan, and with
client_min_messages = log the server sends it, as LOG messages, the tree of every statement it
parses or plans meanwhile: the statements inside the API's functions too. A plan carries the
planner's row estimates, which come from statistics over everyone's rows, so a client could
read another person's due dates from its own calls' plans (an estimate of 50 rows for a window
around someone else's appointments, 1 a day later). A function call is meant to be as opaque
as it is to EXPLAIN.

Every function with settings of its own (every SECURITY DEFINER one and the triggers', as in
revision 0021) now also sets client_min_messages = notice: while it runs, messages below
NOTICE go to the server's log only, whatever the caller asked for, and the function's own
notices, warnings and errors reach the caller as before. A function added later must carry
the setting too (tests/db/security/test_plan_and_flood_attacks.py checks each).

The downgrade takes the setting off again.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0021 = earlier_revision(__file__, "0021_no_jit.py")


def upgrade() -> None:
    op.execute(_0021._EACH.replace("{action}", "SET client_min_messages = notice"))


def downgrade() -> None:
    op.execute(_0021._EACH.replace("{action}", "RESET client_min_messages"))
