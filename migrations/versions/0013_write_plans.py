"""write plans: no bitmap scans in the generic plans of update_tasks, delete_tasks and tags

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

update_tasks and delete_tasks plan their statements once per server connection, for anyone's
list (plan_cache_mode = force_generic_plan, sequential scans off). With bitmap scans allowed,
the planner ANDed the ids' index with the owner's (its estimate for one person's tasks is the
average person's), so a one-task edit of a person with 100,000 tasks read every entry of
their list: 6 ms instead of under one. The list functions turned bitmap scans off already;
tags (which counts each tag's open tasks) follows the same rule.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WRITES = (
    "todo_api.update_tasks(uuid[], timestamptz[], integer[], text[], text[], text[], text[], timestamptz[], "
    "boolean[], integer[], text[], text[], text[], boolean[], uuid[], timestamptz[])",
    "todo_api.delete_tasks(uuid[], timestamptz[])",
    "todo_api.tags(integer)",
)


def upgrade() -> None:
    for signature in _WRITES:
        op.execute(f"ALTER FUNCTION {signature} SET enable_bitmapscan = off")


def downgrade() -> None:
    for signature in _WRITES:
        op.execute(f"ALTER FUNCTION {signature} RESET enable_bitmapscan")
