"""search pages planned once, and a common word walks its list at once

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

A page of candidates was built as text and planned at every call (about a millisecond, a
third of a search of a thousand matches). tasks_page now holds one static statement per
order, planned once per session like its walks: the candidates are sorted on their own
columns and only the rows shown are read and checked. Other shapes (an offset, the relevance
order) still go through the built page.

Before asking the index, tasks_page reads a sample of the person's tasks and counts its
matches. When the word is so common that its candidates would outnumber the rows a walk of
the list reads to fill the page, it walks at once instead of scanning the index for nothing.
Otherwise the candidates may be up to 5,000 for every order (1,000 before, for lists): between
the two, reading them costs less than the walk would. The downgrade puts back revision 0009's
tasks_page.
"""

import re
from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_0009 = earlier_revision(__file__, "0009_search_speed.py")
_0006 = earlier_revision(__file__, "0006_batch_edits.py")
_SQL = Path(__file__).resolve().parent.parent / "sql"
_CANDIDATES = "todo_api.search_candidates(tsquery, text[], integer, tsquery, tsquery)"
_CANDIDATES_0012 = "todo_api.search_candidates(tsquery, text[], integer)"

_COLUMNS = (
    "t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at, "
    "t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule, t.repeat_after_completion"
)
# The walks' own check of the search, as revision 0009 wrote it into each of them.
_SEARCH_CHECK = (
    "(p_search IS NULL OR (words IS NOT NULL AND public.todo_search_like(t.title, t.description, likes))"
    f" OR (words IS NULL AND query IS NOT NULL AND {_0009._WORDS_NOW} @@ query))"
)
# Every condition of the list, checked on the row itself before it is shown.
_ROW_CHECKS = (
    "t.id = k.id",
    "t.user_id = me",
    "(p_completed IS NULL OR t.completed = p_completed)",
    "(p_priorities IS NULL OR t.priority = ANY(p_priorities))",
    "(p_due_after IS NULL OR t.due_date >= p_due_after)",
    "(p_due_before IS NULL OR t.due_date < p_due_before)",
    "(p_overdue_at IS NULL OR t.due_date < p_overdue_at)",
    "(p_due_part IS DISTINCT FROM 'dated' OR t.due_date IS NOT NULL)",
    "(p_due_part IS DISTINCT FROM 'undated' OR t.due_date IS NULL)",
    "(p_pattern IS NULL OR t.title ILIKE p_pattern ESCAPE '\\' OR t.description ILIKE p_pattern ESCAPE '\\')",
    "(tag IS NULL OR EXISTS (SELECT 1 FROM public.task_tags x WHERE x.task_id = t.id AND x.tag_id = tag))",
    _SEARCH_CHECK,
)
# What the candidates' own columns decide before any row is read.
_CANDIDATE_CHECKS = (
    "(p_completed IS NULL OR k.completed = p_completed)",
    "(p_due_after IS NULL OR k.due_date >= p_due_after)",
    "(p_due_before IS NULL OR k.due_date < p_due_before)",
    "(p_overdue_at IS NULL OR k.due_date < p_overdue_at)",
    "(p_due_part IS DISTINCT FROM 'dated' OR k.due_date IS NOT NULL)",
    "(p_due_part IS DISTINCT FROM 'undated' OR k.due_date IS NULL)",
)
_UNNEST = (
    "unnest(found.ids, found.done, found.due, found.created, found.updated, found.ranks, found.title_keys,"
    " found.tiers) AS k(id, completed, due_date, created_at, updated_at, priority_rank, title_key, tier)"
)
_NO_CURSOR = "p_after_id IS NULL"


def _page(keys: Sequence[str], descending: bool, cursor: str, paged: str = "LIMIT p_limit") -> str:
    """One order's page of candidates: sorted on their columns, each row read in its turn.

    The sort keys are the subquery's own columns, so the nested loop keeps its order and the
    outer ORDER BY needs no second sort: a page reads its rows and the few false matches.
    """
    way = " DESC" if descending else ""
    named = ", ".join(f"{key} AS s{n}" for n, key in enumerate(keys, 1))
    inner = ", ".join(f"s{n}{way}" for n in range(1, len(keys) + 1))
    outer = ", ".join(f"k.s{n}{way}" for n in range(1, len(keys) + 1))
    if cursor and cursor != _NO_CURSOR:
        cursor = f"({_NO_CURSOR} OR {cursor})"
    kept = " AND ".join((*_CANDIDATE_CHECKS, cursor) if cursor else _CANDIDATE_CHECKS)
    return (
        "                RETURN QUERY\n"
        f"                SELECT r.* FROM (SELECT k.id, {named} FROM {_UNNEST}\n"
        f"                                  WHERE {kept}\n"
        f"                                  ORDER BY {inner}, k.id{way}) AS k\n"
        f"                CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM public.tasks t\n"
        f"                                     WHERE {' AND '.join(_ROW_CHECKS)}) AS r\n"
        f"                 ORDER BY {outer}, k.id{way} {paged};\n"
    )


# Each static order: when it applies, its sort keys, whether they descend, its cursor.
_ORDERS = (
    (
        "p_sort = 'due' AND p_due_part = 'both'",
        ("k.due_date IS NULL", "k.due_date", "CASE WHEN k.due_date IS NULL THEN k.created_at END"),
        False,
        _NO_CURSOR,
    ),
    (
        "p_sort = 'due' AND p_due_part = 'undated'",
        ("k.created_at",),
        False,
        "(k.created_at, k.id) > (p_after_time, p_after_id)",
    ),
    ("p_sort = 'due'", ("k.due_date",), False, "(k.due_date, k.id) > (p_after_time, p_after_id)"),
    (
        "p_sort = 'priority'",
        ("k.priority_rank", "k.created_at"),
        True,
        "(k.priority_rank, k.created_at, k.id) < (p_after_rank, p_after_time, p_after_id)",
    ),
    ("p_sort = 'created'", ("k.created_at",), True, "(k.created_at, k.id) < (p_after_time, p_after_id)"),
    ("p_sort = 'updated'", ("k.updated_at",), True, "(k.updated_at, k.id) < (p_after_time, p_after_id)"),
    ("p_sort = 'title'", ("k.title_key",), False, "(k.title_key, k.id) > (p_after_text, p_after_id)"),
)
_PAGES = tuple((test, _page(keys, descending, cursor)) for test, keys, descending, cursor in _ORDERS)
# The relevance order: the tier, then the newest; paged by position, as before.
_RANKED_PAGE = _page(("k.tier", "k.created_at"), True, "", "LIMIT p_limit OFFSET coalesce(p_offset, 0)")
# The shapes the static pages answer; any other goes to the built page, as before.
_STATIC = (
    "p_offset IS NULL AND p_sort IN ('due', 'priority', 'created', 'updated', 'title')"
    " AND (p_due_part IS NULL OR (p_sort = 'due' AND (p_due_part IN ('dated', 'undated')"
    " OR (p_due_part = 'both' AND p_after_id IS NULL))))"
)
# Rows of the person's list read to guess how common the search is.
_SAMPLE = 200

_BUILT_CALL = """\
            RETURN QUERY SELECT * FROM todo_api.tasks_page_built(
                p_sort, p_completed, p_priorities, p_due_after, p_due_before, p_overdue_at, p_pattern, p_due_part, p_after_id, p_after_time, p_after_rank, p_after_text, p_limit, tag, found.ids, words, query, p_offset,
                found.done, found.due, found.created, found.updated, found.ranks, found.title_keys);
            RETURN;
"""
_OLD_BRANCH = (
    """\
        SELECT * INTO found FROM todo_api.search_candidates(
            CASE WHEN words IS NULL THEN terms.query END, terms.grams,
            CASE WHEN p_sort = 'relevance' THEN 5000 ELSE 1000 END);
        IF found.ids IS NOT NULL OR p_sort = 'relevance' THEN
"""
    + _BUILT_CALL
    + "        END IF;\n"
)


def _ranked_walk() -> str:
    """The top tier's page, walked by date (the open and the done runs merged). When the walk
    fills the page, the page is all top tier; otherwise the candidates answer. With no title
    query every match is in the one tier there is, and the walk is the whole answer."""
    checks = " AND ".join((*_ROW_CHECKS[2:], "(title_query IS NULL OR t.search_words @@ title_query)"))
    run = (
        f"(SELECT {_COLUMNS} FROM public.tasks t WHERE t.user_id = me AND {{done}} AND {checks}"
        " ORDER BY t.created_at DESC, t.id DESC)"
    )
    return f"""\
            SELECT array_agg(ROW(u.*)::todo_api.task ORDER BY u.created_at DESC, u.id DESC) INTO shown
              FROM (SELECT * FROM ({run.format(done="NOT t.completed AND p_completed IS NOT TRUE")}
                                   UNION ALL
                                   {run.format(done="t.completed AND p_completed IS NOT FALSE")}) AS v
                     ORDER BY v.created_at DESC, v.id DESC LIMIT p_limit OFFSET coalesce(p_offset, 0)) AS u;
"""


def _new_branch() -> str:
    sample_check = re.sub(r"\bt\.", "p.", _SEARCH_CHECK)
    cases = "".join(
        f"                {'IF' if n == 0 else 'ELSIF'} {test} THEN\n{page}"
        for n, (test, page) in enumerate(_PAGES)
    )
    every_match = _BUILT_CALL.replace(
        "tag, found.ids, words, query, p_offset,\n", "tag, NULL, words, query, p_offset);\n"
    ).replace(
        "                found.done, found.due, found.created, found.updated, found.ranks, found.title_keys);\n",
        "",
    )
    return f"""\
        IF p_sort = 'relevance' THEN
            rank_title := CASE WHEN words IS NOT NULL THEN public.todo_search_starts(words, true)
                               ELSE public.todo_search_in_title(terms.query) END;
            rank_any := CASE WHEN words IS NOT NULL THEN public.todo_search_starts(words, false) ELSE terms.query END;
            title_query := public.todo_search_query(me, rank_title);
        END IF;
        -- A common word is walked at once: a walk reads about p_limit / share rows to fill
        -- the page, the candidates are share * owned rows, and the share is guessed from a
        -- sample of the person's tasks. A ranked page is walked when the top tier fills it.
        IF words IS NOT NULL AND cardinality(terms.grams) = 0 THEN
            walk := true;  -- too short for the index: only a walk finds it
        ELSE
            SELECT c.open_tasks + c.completed_tasks INTO owned FROM public.task_counts c WHERE c.user_id = me;
            IF owned > 1000 THEN
                SELECT count(*), count(*) FILTER (WHERE {sample_check}),
                       count(*) FILTER (WHERE {sample_check} AND p.search_words @@ title_query)
                  INTO sampled, hits, hits_title
                  FROM (SELECT t.user_id, t.search_pending, t.search_words, t.title, t.description
                          FROM public.tasks t WHERE t.user_id = me LIMIT {_SAMPLE}) AS p;
                common := p_limit::bigint * sampled * sampled < hits * hits * owned;
                walk := common AND p_sort IS DISTINCT FROM 'relevance';
                walk_title := p_sort = 'relevance'
                        AND (coalesce(p_offset, 0) + p_limit)::bigint * sampled * sampled < hits_title * hits * owned;
                IF common AND p_sort = 'relevance' AND words IS NOT NULL AND hits_title = 0 THEN
                    -- Common, but maybe never the start of a word: then every match is in
                    -- the last tier, and the walk by date is the answer.
                    SELECT cardinality(c.ids) = 0 INTO flat FROM todo_api.search_candidates(rank_any, NULL, 1) AS c;
                    IF flat THEN
                        title_query := NULL;
                        walk_title := true;
                    END IF;
                END IF;
            END IF;
        END IF;
        IF walk_title THEN
{_ranked_walk()}\
            IF flat OR cardinality(shown) = p_limit THEN
                RETURN QUERY SELECT * FROM unnest(shown);
                RETURN;
            END IF;
        END IF;
        IF NOT walk THEN
            SELECT * INTO found FROM todo_api.search_candidates(
                CASE WHEN words IS NULL THEN terms.query END, terms.grams, 5000, rank_title, rank_any);
            IF found.ids IS NOT NULL AND p_sort = 'relevance' THEN
{_RANKED_PAGE}\
                RETURN;
            ELSIF found.ids IS NOT NULL AND {_STATIC} THEN
{cases}\
                END IF;
                RETURN;
            ELSIF found.ids IS NOT NULL THEN
{_BUILT_CALL}\
            END IF;
        END IF;
        IF p_sort = 'relevance' THEN  -- every match is ranked: too many candidates, too few on top
{every_match}\
        END IF;
"""


def tasks_page() -> str:
    """Revision 0009's tasks_page with the static pages, the walk at once and the tiers."""
    text = _0009.tasks_page()
    declared = "    found record;\n"
    assert text.count(declared) == 1 and text.count(_OLD_BRANCH) == 1 and text.count(_SEARCH_CHECK) == 12
    text = text.replace(
        declared,
        declared
        + "    owned bigint;\n    sampled bigint;\n    hits bigint;\n    hits_title bigint;\n"
        + "    common boolean;\n    walk boolean := false;\n    walk_title boolean := false;\n    shown todo_api.task[];\n"
        + "    rank_title tsquery;\n    rank_any tsquery;\n    title_query tsquery;\n    flat boolean := false;\n",
    )
    return text.replace(_OLD_BRANCH, _new_branch())


_SCORE_0009 = (
    "    score text := '(ts_rank(public.todo_search_words_now(user_id, search_pending, search_words, title,"
    " description), coalesce($17, ''''::tsquery))'\n"
    "                  ' + CASE WHEN $16 IS NOT NULL AND public.todo_search_contains(title, NULL, $16)'\n"
    "                  ' THEN 1 ELSE 0 END)::real';\n"
)
_SCORE = """\
    score text := 'public.todo_search_tier(search_words, $25, $26)';
    rank_title tsquery;
    rank_any tsquery;
"""
_RELEVANCE_KEYS = (
    "            keys := ARRAY[score, 'created_at']; cursor_values := ARRAY[]::text[]; descending := true;\n"
)
# Made only for the relevance order: other orders, and every list's walk, do not rank.
_RANK_QUERIES = """\
            rank_title := CASE WHEN p_words IS NOT NULL
                               THEN public.todo_search_query(me, public.todo_search_starts(p_words, true))
                               ELSE public.todo_search_in_title(p_query) END;
            rank_any := CASE WHEN p_words IS NOT NULL
                             THEN public.todo_search_query(me, public.todo_search_starts(p_words, false))
                             ELSE p_query END;
"""


def tasks_page_built() -> str:
    """Revision 0009's built page, ranking by tier (its queries tagged as the words are)."""
    text = _0006._defined_in("0009_search_page.sql", "todo_api.tasks_page_built")
    using = "          p_title_keys;\n"
    assert text.count(_SCORE_0009) == 1 and text.count(using) == 1 and text.count(_RELEVANCE_KEYS) == 1
    text = text.replace(_SCORE_0009, _SCORE).replace(_RELEVANCE_KEYS, _RANK_QUERIES + _RELEVANCE_KEYS)
    return text.replace(using, "          p_title_keys, rank_title, rank_any;\n")


def upgrade() -> None:
    op.execute((_SQL / "0014_search_rank.sql").read_text(encoding="utf-8"))
    op.execute(tasks_page_built())
    op.execute(tasks_page())


def downgrade() -> None:
    op.execute(_0009.tasks_page())
    op.execute(_0006._defined_in("0009_search_page.sql", "todo_api.tasks_page_built"))
    op.execute(f"DROP FUNCTION {_CANDIDATES}")
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_search_owner")
    candidates = _0006._defined_in("0012_search_plans.sql", "todo_api.search_candidates")
    op.execute(candidates.replace("CREATE OR REPLACE FUNCTION", "CREATE FUNCTION", 1))
    for statement in (
        f"ALTER FUNCTION {_CANDIDATES_0012} OWNER TO todo_search_owner",
        f"REVOKE ALL ON FUNCTION {_CANDIDATES_0012} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {_CANDIDATES_0012} TO todo_api_owner",
        "REVOKE CREATE ON SCHEMA todo_api FROM todo_search_owner",
        "DROP FUNCTION public.todo_search_tier(tsvector, tsquery, tsquery)",
        "DROP FUNCTION public.todo_search_in_title(tsquery)",
        "DROP FUNCTION public.todo_search_starts(text[], boolean)",
    ):
        op.execute(statement)
