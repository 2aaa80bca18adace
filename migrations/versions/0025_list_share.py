"""an open search finds its candidates by its words alone, and weighs its word in its own list

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06

tasks_page walks a list at once when the word is so common that its candidates would cost
more than the rows a walk reads to fill the page. It guessed the candidates as the word's
share of a sample times the person's whole count of tasks, open and done. Since revision
0023 a search of the open list reads only open candidates, and done tasks pile up, so a
word in a tenth of 1,000 open tasks looked common once the person had 10,000 done ones: the
open list was walked to its end (1,082 pages read) where its 100 candidates cost 436.

The count and the sample are now of the list searched: the open tasks for the open list, the
done ones for the done list, all of them otherwise.

Revision 0023's open statements said NOT t.completed, which the open search indexes need in
order to be used, and which the index on completed (every person's tasks) can answer too.
Their plans are made once for anyone; once most tasks were done, the open ones were few
enough for the planner to read all of them from that index and check each for the words (a
search that matched nothing read 266 pages). The open search indexes now hold the tasks
that are "completed IS NOT TRUE", which is the same rows (completed is never null) and which
no b-tree can answer, and the open statements say that.

The downgrade puts back revision 0023's indexes and search_top, and revision 0016's
tasks_page; every function keeps the setting revision 0021 gave it (jit = off).
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0016 = earlier_revision(__file__, "0016_search_top.py")
_0023 = earlier_revision(__file__, "0023_open_search.py")
_NOT_DONE = "completed IS NOT TRUE"
_SETTINGS = "SET enable_seqscan = off AS $$\n"
_OWNED = "SELECT c.open_tasks + c.completed_tasks INTO owned FROM public.task_counts c WHERE c.user_id = me;"
_LISTED = (
    "SELECT CASE WHEN p_completed IS FALSE THEN c.open_tasks WHEN p_completed THEN c.completed_tasks"
    " ELSE c.open_tasks + c.completed_tasks END INTO owned FROM public.task_counts c WHERE c.user_id = me;"
)
_SAMPLED = "FROM public.tasks t WHERE t.user_id = me LIMIT 200) AS p;"
# One statement a list: in a plan made once for every call, completed = p_completed is a
# condition on the (user_id, completed) index only when it stands alone.
_SAMPLED_LIST = (
    "FROM public.tasks t WHERE t.user_id = me AND p_completed IS NULL\n"
    "                        UNION ALL\n"
    "                        (SELECT t.user_id, t.search_pending, t.search_words, t.title, t.description\n"
    "                          FROM public.tasks t WHERE t.user_id = me AND t.completed = p_completed)\n"
    "                         LIMIT 200) AS p;"
)


def tasks_page(*, by_list: bool) -> str:
    """Revision 0016's tasks_page with jit off; ``by_list``: weighing the list searched."""
    text = _0016.tasks_page()
    assert text.count(_SETTINGS) == 1 and text.count(_OWNED) == 1 and text.count(_SAMPLED) == 1
    text = text.replace(_SETTINGS, "SET enable_seqscan = off SET jit = off AS $$\n")
    if by_list:
        text = text.replace(_OWNED, _LISTED).replace(_SAMPLED, _SAMPLED_LIST)
    return text


def _open_search(predicate: str) -> None:
    """The open search indexes, holding the tasks ``predicate`` keeps, and search_top's open
    statements saying it."""
    for name in _0023._INDEXES:
        op.execute(f"DROP INDEX public.{name}")
    _0023.create_indexes(predicate)
    _0023._replacing(_0023.search_top(predicate))


def upgrade() -> None:
    _open_search(_NOT_DONE)
    op.execute(tasks_page(by_list=True))


def downgrade() -> None:
    op.execute(tasks_page(by_list=False))
    _open_search(_0023.OPEN)
