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
matches. When the word is so common that the candidates would outnumber the rows a walk of
the list reads to fill the page (or pass the candidates' limit), it walks at once instead of
scanning the index for nothing. The downgrade puts back revision 0009's tasks_page.
"""

import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revision(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_todo_{name}", Path(__file__).with_name(name))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_0009 = _revision("0009_search_speed.py")

_COLUMNS = (
    "t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at, "
    "t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule, t.repeat_after_completion"
)
# The walks' own check of the search, as revision 0009 wrote it into each of them.
_SEARCH_CHECK = (
    "(p_search IS NULL OR (words IS NOT NULL AND public.todo_search_like(t.title, t.description, likes))"
    " OR (words IS NULL AND query IS NOT NULL AND public.todo_search_words_now(t.user_id, t.search_pending,"
    " t.search_words, t.title, t.description) @@ query))"
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
    "unnest(found.ids, found.done, found.due, found.created, found.updated, found.ranks, found.title_keys)"
    " AS k(id, completed, due_date, created_at, updated_at, priority_rank, title_key)"
)
_NO_CURSOR = "p_after_id IS NULL"


def _page(keys: Sequence[str], descending: bool, cursor: str) -> str:
    """One order's page of candidates: sorted on their columns, each row read in its turn.

    The sort keys are the subquery's own columns, so the nested loop keeps its order and the
    outer ORDER BY needs no second sort: a page reads its rows and the few false matches.
    """
    way = " DESC" if descending else ""
    named = ", ".join(f"{key} AS s{n}" for n, key in enumerate(keys, 1))
    inner = ", ".join(f"s{n}{way}" for n in range(1, len(keys) + 1))
    outer = ", ".join(f"k.s{n}{way}" for n in range(1, len(keys) + 1))
    kept = " AND ".join(
        (*_CANDIDATE_CHECKS, cursor if cursor == _NO_CURSOR else f"({_NO_CURSOR} OR {cursor})")
    )
    return (
        "                RETURN QUERY\n"
        f"                SELECT r.* FROM (SELECT k.id, {named} FROM {_UNNEST}\n"
        f"                                  WHERE {kept}\n"
        f"                                  ORDER BY {inner}, k.id{way}) AS k\n"
        f"                CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM public.tasks t\n"
        f"                                     WHERE {' AND '.join(_ROW_CHECKS)}) AS r\n"
        f"                 ORDER BY {outer}, k.id{way} LIMIT p_limit;\n"
    )


_PAGES = (
    (
        "p_sort = 'due' AND p_due_part = 'both'",
        _page(
            ("k.due_date IS NULL", "k.due_date", "CASE WHEN k.due_date IS NULL THEN k.created_at END"),
            False,
            _NO_CURSOR,
        ),
    ),
    (
        "p_sort = 'due' AND p_due_part = 'undated'",
        _page(("k.created_at",), False, "(k.created_at, k.id) > (p_after_time, p_after_id)"),
    ),
    ("p_sort = 'due'", _page(("k.due_date",), False, "(k.due_date, k.id) > (p_after_time, p_after_id)")),
    (
        "p_sort = 'priority'",
        _page(
            ("k.priority_rank", "k.created_at"),
            True,
            "(k.priority_rank, k.created_at, k.id) < (p_after_rank, p_after_time, p_after_id)",
        ),
    ),
    (
        "p_sort = 'created'",
        _page(("k.created_at",), True, "(k.created_at, k.id) < (p_after_time, p_after_id)"),
    ),
    (
        "p_sort = 'updated'",
        _page(("k.updated_at",), True, "(k.updated_at, k.id) < (p_after_time, p_after_id)"),
    ),
    ("p_sort = 'title'", _page(("k.title_key",), False, "(k.title_key, k.id) > (p_after_text, p_after_id)")),
)
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


def _probe() -> str:
    sample_check = re.sub(r"\bt\.", "p.", _SEARCH_CHECK)
    return f"""\
        -- A common word is walked at once: reading its candidates would cost more than the
        -- walk (a walk reads about p_limit / share rows, the candidates share * owned), or
        -- pass their limit. The share is guessed from a sample of the person's tasks.
        IF p_sort IS DISTINCT FROM 'relevance' THEN
            SELECT c.open_tasks + c.completed_tasks INTO owned FROM public.task_counts c WHERE c.user_id = me;
        END IF;
        IF words IS NOT NULL AND cardinality(terms.grams) = 0 THEN
            walk := true;  -- too short for the index: only a walk finds it
        ELSIF owned > 1000 THEN
            SELECT count(*), count(*) FILTER (WHERE {sample_check})
              INTO sampled, hits
              FROM (SELECT t.user_id, t.search_pending, t.search_words, t.title, t.description
                      FROM public.tasks t WHERE t.user_id = me LIMIT {_SAMPLE}) AS p;
            walk := sampled > 0 AND (hits::bigint * owned > 1000 * sampled
                                     OR p_limit::bigint * sampled * sampled < hits::bigint * hits * owned);
        END IF;
        IF NOT walk THEN
"""


def _new_branch() -> str:
    cases = "".join(
        f"            {'IF' if n == 0 else 'ELSIF'} {test} THEN\n{page}"
        for n, (test, page) in enumerate(_PAGES)
    )
    indented = "".join(f"    {line}\n" if line else "\n" for line in _BUILT_CALL.splitlines())
    return (
        _probe()
        + """\
        SELECT * INTO found FROM todo_api.search_candidates(
            CASE WHEN words IS NULL THEN terms.query END, terms.grams,
            CASE WHEN p_sort = 'relevance' THEN 5000 ELSE 1000 END);
        IF p_sort = 'relevance' OR (found.ids IS NOT NULL AND NOT ("""
        + _STATIC
        + """)) THEN
"""
        + indented
        + """\
        ELSIF found.ids IS NOT NULL THEN
"""
        + cases
        + "            END IF;\n            RETURN;\n        END IF;\n        END IF;\n"
    )


def tasks_page() -> str:
    """Revision 0009's tasks_page with the static pages of candidates and the walk at once."""
    text = _0009.tasks_page()
    declared = "    found record;\n"
    assert text.count(declared) == 1 and text.count(_OLD_BRANCH) == 1 and text.count(_SEARCH_CHECK) == 12
    text = text.replace(
        declared,
        declared + "    owned bigint;\n    sampled bigint;\n    hits bigint;\n    walk boolean := false;\n",
    )
    return text.replace(_OLD_BRANCH, _new_branch())


def upgrade() -> None:
    op.execute(tasks_page())


def downgrade() -> None:
    op.execute(_0009.tasks_page())
