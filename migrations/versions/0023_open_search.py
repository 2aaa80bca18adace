"""a search of the open tasks reads only open candidates

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06

The search indexes held every task, open or done, so a search of the open list (the usual
one) read each done match from the table only to drop it: at 1,000,000 tasks, 955 pages for
the 676 open tasks among the 956 tasks of a word in 1% of titles. Done tasks pile up (most of a long-time user's
tasks are done), so the open tasks now also have search indexes of their own, partial GIN
indexes that hold the open tasks only, and each statement of todo_api.search_top has a twin
for the open list that says so (NOT t.completed), so its plan, made once for anyone, reads
those. Other lists read the whole indexes as before. The index sizes grow by the open share;
a new or edited open task adds its keys to both, through the pending lists, as before.

The downgrade drops the two indexes and puts back revision 0016's search_top.
"""

import textwrap
from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_0016 = earlier_revision(__file__, "0016_search_top.py")
_INDEXES = {
    "tasks_search_words_open": "search_words",
    "tasks_search_grams_open": "search_grams",
}
_WHERE = f"WHERE {_0016._MATCHES}\n"
OPEN = "NOT completed"  # which tasks the open search indexes hold (revision 0025 changes it)


def _either(block: str, open_only: str) -> str:
    """``block`` for any list, and its twin for the open list, which says ``open_only``."""
    assert block.count(_WHERE) == 1
    on_rows = open_only.replace("completed", "t.completed")
    twin = block.replace(_WHERE, f"WHERE {on_rows} AND {_0016._MATCHES}\n")
    return (
        "        IF p_completed IS FALSE THEN  -- the open tasks' own indexes\n"
        f"{textwrap.indent(twin, '    ')}"
        "        ELSE\n"
        f"{textwrap.indent(block, '    ')}"
        "        END IF;\n"
    )


def search_top(open_only: str = OPEN) -> str:
    """Revision 0016's search_top with an open-list twin of each statement; the open search
    indexes must hold exactly the tasks ``open_only`` keeps."""
    text = _0016.search_top()
    orders = [_0016._top(keys, descending, cursor) for _test, keys, descending, cursor in _0016._0014._ORDERS]
    for block in [_0016._ranked(), *orders]:
        assert text.count(block) == 1
        text = text.replace(block, _either(block, open_only))
    head = "CREATE FUNCTION todo_api.search_top("
    assert text.count(head) == 1
    return text.replace(head, "CREATE OR REPLACE FUNCTION todo_api.search_top(")


def _replacing(definition: str) -> None:
    # The function belongs to todo_search_owner, which may create in the schema only meanwhile.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_search_owner")
    op.execute(definition)
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_search_owner")


def create_indexes(predicate: str) -> None:
    """The open search indexes, holding the tasks ``predicate`` keeps."""
    for name, column in _INDEXES.items():
        op.execute(
            f"CREATE INDEX {name} ON public.tasks USING gin ({column})"
            f" WITH (fastupdate = on, gin_pending_list_limit = 256) WHERE {predicate}"
        )


def upgrade() -> None:
    create_indexes(OPEN)
    _replacing(search_top())


def downgrade() -> None:
    original = _0016.search_top().replace(
        "CREATE FUNCTION todo_api.search_top(", "CREATE OR REPLACE FUNCTION todo_api.search_top("
    )
    _replacing(original)
    for name in _INDEXES:
        op.execute(f"DROP INDEX public.{name}")
