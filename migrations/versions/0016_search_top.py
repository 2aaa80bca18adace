"""a search page sorts its candidates where it finds them, and reads only the top of them

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

A search with a thousand candidates spent as long handling them as finding them: the
candidate function gathered eight arrays of a thousand values each, and tasks_page unnested
them and sorted them all to show 51 (about 1.5 ms of a 3 ms search). The new function
todo_api.search_top finds the same candidates in the same pass over the search index,
filters them by what their own columns decide, and keeps only the first ones of the list's
order (a top-N sort of narrow rows); tasks_page then reads those rows in order and checks
each as before.

The first ones may not be enough: a row can fail what only tasks_page may check (the text
itself: pieces of a word found apart, a task whose keys are still to be made). So the top
holds twice the page and some more, and when too few of them pass while more candidates
were left out, tasks_page asks for every candidate as before. Lists filtered by a tag or a
pattern go that way at once, as they did. The downgrade puts back revision 0014's tasks_page.
"""

import re
from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_0014 = earlier_revision(__file__, "0014_search_pages.py")
_TOP = (
    "todo_api.search_top(tsquery, text[], text, integer, integer, boolean, text[], timestamptz, timestamptz,"
    " timestamptz, text, uuid, timestamptz, smallint, text, tsquery, tsquery)"
)
# Candidates past this many go the other ways, as with search_candidates.
_CAP = 5000
# The candidates' columns, as search_candidates reads them.
_FOUND = "t.id, t.completed, t.due_date, t.created_at, t.updated_at, t.priority_rank, t.title_key"
_MATCHES = (
    "(t.user_id = me) IS TRUE"
    " AND (t.search_words @@ words OR t.search_grams @> grams OR t.search_grams @> marked"
    " OR (t.search_pending AND t.user_id = me))"
)
# A priority's rank as the table's generated column makes it; an unknown name ranks nothing.
_RANKS = (
    "ARRAY(SELECT CASE p WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 END"
    " FROM unnest(p_priorities) AS p)::smallint[]"
)


def _on_rows(condition: str) -> str:
    return re.sub(r"\bk\.", "t.", condition)


def _top(keys: Sequence[str], descending: bool, cursor: str, tier: str = "") -> str:
    """The first p_count candidates of one order, and how many there are (past p_cap: p_cap + 1)."""
    way = " DESC" if descending else ""
    named = ", ".join(f"{key} AS s{n}" for n, key in enumerate(keys, 1))
    inner = ", ".join(f"s{n}{way}" for n in range(1, len(keys) + 1))
    outer = ", ".join(f"c.s{n}{way}" for n in range(1, len(keys) + 1))
    if cursor and cursor != _0014._NO_CURSOR:
        cursor = f"({_0014._NO_CURSOR} OR {cursor})"
    checks = [_on_rows(c) for c in (*_0014._CANDIDATE_CHECKS, cursor) if c]
    checks.append(f"(p_priorities IS NULL OR t.priority_rank = ANY({_RANKS}))")
    return (
        f"        SELECT array_agg(c.id ORDER BY {outer}, c.id{way}), max(c.total) INTO ids, total\n"
        f"          FROM (SELECT k.id, {named}, count(*) OVER () AS total\n"
        f"                  FROM (SELECT {_FOUND}{tier} FROM public.tasks t\n"
        f"                         WHERE {_MATCHES}\n"
        f"                           AND {' AND '.join(checks)}\n"
        "                         LIMIT p_cap + 1) AS k\n"
        f"                 ORDER BY {inner}, k.id{way} LIMIT p_count) AS c;\n"
    )


def _ranked() -> str:
    """The relevance order's statement: the tier, then the newest."""
    return _top(
        ("k.tier", "k.created_at"),
        True,
        "",
        ", public.todo_search_tier(t.search_words, in_title, anywhere) AS tier",
    )


def search_top() -> str:
    orders = "".join(
        f"    ELSIF {test} THEN\n{_top(keys, descending, cursor)}"
        for test, keys, descending, cursor in _0014._ORDERS
    )
    ranked = _ranked()
    return f"""\
-- The first p_count of the signed-in person's candidates in the order p_sort (with the
-- tasks_page arguments that shape it), and how many candidates there are. ids is NULL when
-- they are more than p_cap, or when the index cannot answer the search at all (as
-- search_candidates says). Only what the candidates' own columns decide is checked here.
-- Each order's statement is planned once per session (planning it at every call cost a
-- fifth of a millisecond), and never as a sequential scan: a plan made for one person must
-- not read everyone's tasks for another.
CREATE FUNCTION todo_api.search_top(
    p_words tsquery, p_grams text[], p_sort text, p_count integer, p_cap integer,
    p_completed boolean, p_priorities text[], p_due_after timestamptz, p_due_before timestamptz,
    p_overdue_at timestamptz, p_due_part text, p_after_id uuid, p_after_time timestamptz,
    p_after_rank smallint, p_after_text text, p_title tsquery, p_any tsquery,
    OUT ids uuid[], OUT total integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_bitmapscan = on SET enable_seqscan = off
SET enable_sort = on SET jit = off AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
    tag text;
    words tsquery;
    grams text[];
    marked text[];
    in_title tsquery;
    anywhere tsquery;
BEGIN
    IF p_count IS NULL OR p_count < 1 OR p_count > 100000 OR p_cap IS NULL OR p_cap < 1 OR p_cap > 100000 THEN
        RAISE EXCEPTION 'candidate counts must be 1 to 100000' USING ERRCODE = '22023';
    END IF;
    IF me IS NULL OR (p_words IS NULL AND p_grams IS NULL) THEN
        ids := '{{}}';
        total := 0;
        RETURN;
    END IF;
    IF (p_words IS NOT NULL AND numnode(p_words) > 0 AND querytree(p_words) = 'T')
       OR (p_grams IS NOT NULL AND cardinality(p_grams) = 0) THEN
        RETURN;
    END IF;
    tag := public.todo_search_tag(me);
    IF p_words IS NOT NULL AND numnode(p_words) > 0 THEN
        words := public.todo_search_query(me, p_words);
    END IF;
    IF p_grams IS NOT NULL THEN
        grams := ARRAY(SELECT tag || g FROM unnest(p_grams) AS g);
        marked := ARRAY[tag || '*'];
    END IF;
    IF p_sort IS NULL THEN
        RETURN;
    ELSIF p_sort = 'relevance' THEN
        in_title := public.todo_search_query(me, p_title);
        anywhere := public.todo_search_query(me, p_any);
{ranked}{orders}\
    ELSE
        RETURN;
    END IF;
    total := coalesce(total, 0);
    ids := CASE WHEN total > p_cap THEN NULL ELSE coalesce(ids, '{{}}') END;
END
$$;
ALTER FUNCTION {_TOP} OWNER TO todo_search_owner;
REVOKE ALL ON FUNCTION {_TOP} FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {_TOP} TO todo_api_owner;
"""


_FULL_LIST = "        IF NOT walk THEN\n            SELECT * INTO found FROM todo_api.search_candidates(\n"
_TOP_PAGE = f"""\
        IF NOT walk AND tag IS NULL AND p_pattern IS NULL AND (p_sort = 'relevance' OR {_0014._STATIC}) THEN
            SELECT * INTO top FROM todo_api.search_top(
                CASE WHEN words IS NULL THEN terms.query END, terms.grams, p_sort,
                least(coalesce(p_offset, 0)::bigint + 2 * p_limit + 20, 100000)::integer, {_CAP},
                p_completed, p_priorities, p_due_after, p_due_before, p_overdue_at, p_due_part,
                p_after_id, p_after_time, p_after_rank, p_after_text, rank_title, rank_any);
            IF top.ids IS NULL THEN
                crowded := true;  -- as many candidates as search_candidates would refuse
            ELSE
                -- Read in the order found (the subquery's own sort: the join keeps it and
                -- the page stops at its last row).
                SELECT array_agg(u.r ORDER BY u.n) INTO shown
                  FROM (SELECT ROW(r.*)::todo_api.task AS r, k.n
                          FROM (SELECT k.id, k.n FROM unnest(top.ids) WITH ORDINALITY AS k(id, n) ORDER BY k.n) AS k
                          CROSS JOIN LATERAL (SELECT {_0014._COLUMNS} FROM public.tasks t
                                               WHERE {" AND ".join(_0014._ROW_CHECKS)}) AS r
                         ORDER BY k.n LIMIT p_limit OFFSET coalesce(p_offset, 0)) AS u;
                IF top.total <= cardinality(top.ids) OR cardinality(shown) = p_limit THEN
                    RETURN QUERY SELECT * FROM unnest(shown);
                    RETURN;
                END IF;
                -- Too many of the first ones failed the row checks: ask for every candidate.
            END IF;
        END IF;
        IF NOT walk AND NOT crowded THEN
            SELECT * INTO found FROM todo_api.search_candidates(
"""


def tasks_page() -> str:
    """Revision 0014's tasks_page, asking for the top of the candidates first."""
    text = _0014.tasks_page()
    declared = "    found record;\n"
    assert text.count(declared) == 1 and text.count(_FULL_LIST) == 1
    text = text.replace(declared, declared + "    top record;\n    crowded boolean := false;\n")
    return text.replace(_FULL_LIST, _TOP_PAGE)


def upgrade() -> None:
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_search_owner")
    op.execute(search_top())
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_search_owner")
    op.execute(tasks_page())


def downgrade() -> None:
    op.execute(_0014.tasks_page())
    op.execute(f"DROP FUNCTION {_TOP}")
