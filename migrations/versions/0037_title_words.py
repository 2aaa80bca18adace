"""best match first reads the top tier from an ordered index of the titles' words

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07

A ranked search (all lists, best match first) read every match's row to learn its tier and
date: at 1,000,000 tasks, a word in a thousand titles cost a thousand pages of the table,
14.90 ms p99. Each title's words are now kept one row a word in public.task_title_words, with
the task's owner and creation time, under a b-tree ordered (owner, word, newest first), and
kept by triggers (sql/0037_title_words.sql). todo_api.search_title_top reads the range of the
words that start with what was typed from that index alone and returns the newest tasks whose
titles hold every word: the top tier, in its order. tasks_page asks it first for a ranked
page of plain words with no filter but open or done; when the top tier fills the page, the
page is read from those ids and checked as every page is, and otherwise the search goes its
earlier ways.

The downgrade puts back tasks_page as it was and drops the table, the triggers and the
functions.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"
_0010 = earlier_revision(__file__, "0010_reminders.py")
_0014 = earlier_revision(__file__, "0014_search_pages.py")

_PAGE = (
    "todo_api.tasks_page(text, boolean, text[], timestamptz, timestamptz, timestamptz, text, text, uuid,"
    " timestamptz, smallint, text, integer, text, text, integer)"
)
_TITLE_TOP = "todo_api.search_title_top(text[], integer)"
_DECLARED = "    top record;\n"
# Before the ranking's queries are made: a page the top tier fills needs none of them.
_ANCHOR = """\
        -- Plain words are found where they appear; the word syntax by whole words.
"""
_TITLED = "    titled uuid[];\n"
# The top tier alone answers a page it fills: every row of it ranks above every other match,
# and the ids come newest first. The rows are read and checked as search_top's are.
_FROM_TITLES = f"""\
        IF p_sort = 'relevance' AND words IS NOT NULL AND tag IS NULL AND p_pattern IS NULL AND p_priorities IS NULL
           AND p_due_after IS NULL AND p_due_before IS NULL AND p_overdue_at IS NULL AND p_due_part IS NULL THEN
            titled := todo_api.search_title_top(
                words, least(coalesce(p_offset, 0)::bigint + 2 * p_limit + 20, 100000)::integer);
            IF cardinality(titled) > 0 THEN
                SELECT array_agg(u.r ORDER BY u.n) INTO shown
                  FROM (SELECT ROW(r.*)::todo_api.task AS r, k.n
                          FROM (SELECT k.id, k.n FROM unnest(titled) WITH ORDINALITY AS k(id, n) ORDER BY k.n) AS k
                          CROSS JOIN LATERAL (SELECT {_0014._COLUMNS} FROM public.tasks t
                                               WHERE {" AND ".join(_0014._ROW_CHECKS)}) AS r
                         ORDER BY k.n LIMIT p_limit OFFSET coalesce(p_offset, 0)) AS u;
                IF cardinality(shown) = p_limit THEN
                    RETURN QUERY SELECT * FROM unnest(shown);
                    RETURN;
                END IF;
            END IF;
        END IF;
"""


def upgrade() -> None:
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_search_owner")  # to own its function
    op.execute((_SQL / "0037_title_words.sql").read_text(encoding="utf-8"))
    op.execute(f"ALTER FUNCTION {_TITLE_TOP} OWNER TO todo_search_owner")
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_search_owner")
    op.execute(f"REVOKE ALL ON FUNCTION {_TITLE_TOP} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {_TITLE_TOP} TO todo_api_owner")
    _0010._rewritten(_PAGE, (_DECLARED, _DECLARED + _TITLED, 1), (_ANCHOR, _FROM_TITLES + _ANCHOR, 1))


def downgrade() -> None:
    _0010._rewritten(_PAGE, (_DECLARED + _TITLED, _DECLARED, 1), (_FROM_TITLES + _ANCHOR, _ANCHOR, 1))
    op.execute(f"DROP FUNCTION {_TITLE_TOP}")
    for event in ("insert", "update", "made", "delete"):
        op.execute(f"DROP TRIGGER tasks_title_words_{event} ON public.tasks")
    op.execute("DROP TABLE public.task_title_words")
    for function in (
        "public.todo_title_words_refill()",
        "public.todo_title_words_track()",
        "public.todo_title_words_made()",
        "public.todo_prefix_end(text)",
        "public.todo_title_words(uuid, tsvector)",
    ):
        op.execute(f"DROP FUNCTION {function}")
