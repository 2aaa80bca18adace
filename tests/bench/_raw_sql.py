"""The benchmarks' baseline: direct table SQL, written by hand, run as the table owner.

Clients reach the tables only through the ``todo_api`` functions (migrations/sql/0004_api.sql).
Each statement here does what the body of one of those functions does, on the same tables and
indexes, but sent straight to the tables: no function call, no session-token lookup, and the
user id bound as a value. The owner's own policy (``owner_all``) lets every row through. So
"data layer / raw" is what the function API, the token check and SQLAlchemy cost on top of
the SQL itself.

Differences from the function bodies, all on the cheap side: create and update return the row
with RETURNING instead of reading it again, and update sets only the columns it changes
instead of choosing each with CASE; a batch neither locks its rows first nor reports the tasks
it did not write.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

import psycopg

from todo_desktop.core.search_terms import searched, uses_word_syntax
from todo_desktop.core.validation import tag_key
from todo_desktop.core.values import SortKey, Status, TaskQuery
from todo_desktop.db.task_queries import due_filtered

COLUMNS = "id, title, description, completed, priority, due_date, created_at, updated_at, completed_at"
# A page's rows also carry the keyset cursor of an ordering by title or by priority.
PAGE_COLUMNS = f"{COLUMNS}, title_key, priority_rank"
# Sort keys before the id tie-breaker, and whether the order is descending (as in tasks_page).
ORDERS: dict[SortKey, tuple[tuple[str, ...], bool]] = {
    SortKey.DUE: (("due_date",), False),
    SortKey.PRIORITY: (("priority_rank", "created_at"), True),
    SortKey.CREATED: (("created_at",), True),
    SortKey.UPDATED: (("updated_at",), True),
    SortKey.TITLE: (("title_key",), False),
}
UPDATABLE = ("title", "description", "priority", "due_date", "completed")

CREATE = (
    "INSERT INTO public.tasks (id, user_id, title, description, priority, due_date, completed) "
    "VALUES (%(id)s, %(uid)s, %(title)s, %(description)s, %(priority)s, %(due_date)s, %(completed)s) "
    f"ON CONFLICT (id) DO NOTHING RETURNING {COLUMNS}"
)
SET_COMPLETED = (
    "UPDATE public.tasks SET completed = %(completed)s "
    "WHERE id = ANY(%(ids)s) AND user_id = %(uid)s AND completed <> %(completed)s "
    f"RETURNING {COLUMNS}"
)
DELETE = "DELETE FROM public.tasks WHERE id = ANY(%(ids)s) AND user_id = %(uid)s"
# An edit of several tasks, each checked against its version, in one statement (as
# todo_api.update_tasks writes a batch, without its per-field choices and outcome rows).
UPDATE_BATCH = (
    "UPDATE public.tasks t SET title = w.title, priority = w.priority "
    "FROM unnest(%(ids)s::uuid[], %(versions)s::timestamptz[], %(titles)s::text[], %(priorities)s::text[]) "
    "AS w(id, version, title, priority) "
    "WHERE t.id = w.id AND t.user_id = %(uid)s AND t.updated_at = w.version "
    "RETURNING t.id, t.title, t.description, t.completed, t.priority, t.due_date, t.created_at, "
    "t.updated_at, t.completed_at"
)
COUNTS = (
    "SELECT c.open_tasks, c.completed_tasks, c.open_low, c.open_medium, c.open_high, c.open_urgent, "
    "public.todo_count_open_due(c.user_id, %(today)s, %(tomorrow)s), "
    "public.todo_count_open_due(c.user_id, %(tomorrow)s, %(upcoming_end)s), "
    "public.todo_count_open_due(c.user_id, NULL, %(now)s) "
    "FROM public.task_counts c WHERE c.user_id = %(uid)s"
)
# As todo_api.changed_since (revision 0034): by the writing transaction's id, then the task's.
CHANGED_SINCE = (
    f"SELECT {PAGE_COLUMNS} FROM public.tasks WHERE user_id = %(uid)s "
    "AND change_xid >= %(since)s::text::xid8 AND change_xid < pg_snapshot_xmax(pg_current_snapshot()) "
    "ORDER BY change_xid, id LIMIT %(limit)s"
)


TAGS = (
    "SELECT g.name, (SELECT count(*) FROM public.task_tags x WHERE x.tag_id = g.id AND NOT x.completed) "
    "FROM public.tags g WHERE g.user_id = %(uid)s ORDER BY g.name_key"
)


def update_sql(columns: tuple[str, ...]) -> str:
    assert columns and set(columns) <= set(UPDATABLE)
    assignments = ", ".join(f"{c} = %({c})s" for c in columns)
    return (
        f"UPDATE public.tasks SET {assignments} WHERE id = %(id)s AND user_id = %(uid)s RETURNING {COLUMNS}"
    )


# A list filtered by tag reads the tag's task_tags rows, which carry copies of each task's
# sort keys (revision 0007), in the list's order, and each task by its id.
_SORTED = {"completed", "due_date", "priority_rank", "created_at", "updated_at", "title_key", "id"}
TAGGED_FROM = (
    "public.task_tags x JOIN public.tasks t ON t.id = x.task_id "
    "WHERE x.tag_id = (SELECT g.id FROM public.tags g "
    "WHERE g.user_id = %(uid)s AND g.name_key = %(tag_key)s) "
    "AND t.user_id = %(uid)s AND "
)


# The word syntax's query, with the owner tag its keys carry (as todo_api.tasks_page makes it).
WORDS_QUERY = "public.todo_search_query(%(uid)s, websearch_to_tsquery('simple', %(text)s))"


def like_escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def plain_words(text: str) -> list[str] | None:
    """The typed words, lower-cased, as the search reads them; None for the word syntax."""
    cleaned = searched(text)
    if not cleaned or uses_word_syntax(cleaned):
        return None
    return sorted(set(cleaned.lower().split()))


def ranked_sql() -> str:
    """A page of a search in order of relevance (the tier, then the newest), every match scored."""
    plain = "%(words)s::text[] IS NOT NULL"
    starts = "public.todo_search_query(%(uid)s, public.todo_search_starts(%(words)s, {}))"
    in_title = (
        f"CASE WHEN {plain} THEN {starts.format('true')} ELSE public.todo_search_in_title({WORDS_QUERY}) END"
    )
    anywhere = f"CASE WHEN {plain} THEN {starts.format('false')} ELSE {WORDS_QUERY} END"
    score = f"public.todo_search_tier(search_words, {in_title}, {anywhere})"
    match = (
        "CASE WHEN %(words)s::text[] IS NOT NULL "
        "THEN public.todo_search_like(title, description, %(likes)s) "
        f"ELSE search_words @@ {WORDS_QUERY} END"
    )
    return (
        f"SELECT {PAGE_COLUMNS} FROM public.tasks WHERE user_id = %(uid)s AND {match} "
        f"ORDER BY {score} DESC, created_at DESC, id DESC LIMIT %(limit)s"
    )


# The top tier of a one-word ranked page from the titles' words (revision 0037), as
# todo_api.search_title_top and tasks_page read it: each title word that starts with the
# typed one (one index probe each), its newest tasks from the index alone, then their rows.
TITLE_TIER = (
    "WITH RECURSIVE found(word) AS ("
    "(SELECT x.word FROM public.task_title_words x WHERE x.user_id = %(uid)s AND x.word >= %(word)s"
    " AND x.word < public.todo_prefix_end(%(word)s) ORDER BY x.word LIMIT 1)"
    " UNION ALL SELECT (SELECT x.word FROM public.task_title_words x WHERE x.user_id = %(uid)s"
    " AND x.word > f.word AND x.word < public.todo_prefix_end(%(word)s) ORDER BY x.word LIMIT 1)"
    " FROM found f WHERE f.word IS NOT NULL),"
    " top AS (SELECT m.task_id, max(m.created_at) AS created_at FROM found f CROSS JOIN LATERAL"
    " (SELECT x.task_id, x.created_at FROM public.task_title_words x"
    " WHERE x.user_id = %(uid)s AND x.word = f.word"
    " ORDER BY x.created_at DESC, x.task_id DESC LIMIT %(count)s) AS m WHERE f.word IS NOT NULL"
    " GROUP BY m.task_id ORDER BY 2 DESC, 1 DESC LIMIT %(count)s)"
    f" SELECT {', '.join(f't.{c}' for c in PAGE_COLUMNS.split(', '))}"
    " FROM top JOIN public.tasks t ON t.id = top.task_id"
    " WHERE t.user_id = %(uid)s AND public.todo_search_like(t.title, t.description, %(likes)s)"
    " ORDER BY top.created_at DESC, top.task_id DESC LIMIT %(limit)s"
)


def title_tier_params(q: TaskQuery, fetch: int) -> dict[str, Any] | None:
    """The top tier's parameters for an unfiltered ranked page of one word of three letters
    or more (those the layer asks the titles' words for first), else None."""
    words = plain_words(q.text)
    filtered = q.priorities or q.tag or q.due_after or q.due_before or q.overdue_at
    if not q.ranked or filtered or words is None or len(words) != 1 or len(words[0]) < 3:
        return None
    return {"word": words[0], "count": 2 * fetch + 20}


def page_sql(q: TaskQuery, due_part: str | None) -> str:
    """One keyset page, built as ``todo_api.tasks_page`` builds it."""
    keys, descending = ORDERS[q.sort]

    def col(name: str) -> str:  # where a column is read: the task, or its task_tags row
        if q.tag is None:
            return name
        return ("x.task_id" if name == "id" else f"x.{name}") if name in _SORTED else f"t.{name}"

    where = [] if q.tag is not None else ["user_id = %(uid)s"]
    completed = (
        False if q.overdue_at is not None else {Status.OPEN: False, Status.COMPLETED: True}.get(q.status)
    )
    if completed is not None:
        where.append(col("completed") if completed else f"NOT {col('completed')}")
    if q.priorities:
        where.append(f"{col('priority')} = ANY(%(priorities)s)")
    if q.due_after is not None:
        where.append(f"{col('due_date')} >= %(due_after)s")
    if q.due_before is not None:
        where.append(f"{col('due_date')} < %(due_before)s")
    if q.overdue_at is not None:
        where.append(f"{col('due_date')} < %(overdue_at)s")
    words = plain_words(q.text)
    if words is not None:  # typed words, each found anywhere
        where.append(f"public.todo_search_like({col('title')}, {col('description')}, %(likes)s)")
        if any(len(w) >= 3 for w in words):
            where.append(f"{col('search_grams')} @> %(grams)s")
    elif q.text:  # the word syntax
        where.append(f"{col('search_words')} @@ {WORDS_QUERY}")
    cursor_keys = keys
    if due_part == "undated":  # in the order they were made; the cursor's k1 is created_at
        where.append(f"{col('due_date')} IS NULL")
        keys = cursor_keys = ("created_at",)
    elif due_part == "dated":
        where.append(f"{col('due_date')} IS NOT NULL")
    if q.after is not None:
        left = ", ".join(col(k) for k in (*cursor_keys, "id"))
        names = ["k1"] if due_part == "undated" else [f"k{i}" for i in range(len(cursor_keys))]
        right = ", ".join([*(f"%({n})s" for n in names), "%(after_id)s"])
        where.append(f"({left}) {'<' if descending else '>'} ({right})")
    direction = " DESC" if descending else ""
    order_by = ", ".join(f"{col(k)}{direction}" for k in (*keys, "id"))
    if q.tag is None:
        return (
            f"SELECT {PAGE_COLUMNS} FROM public.tasks WHERE {' AND '.join(where)} "
            f"ORDER BY {order_by} LIMIT %(limit)s"
        )
    columns = ", ".join(f"t.{c}" for c in PAGE_COLUMNS.split(", "))
    return f"SELECT {columns} FROM {TAGGED_FROM}{' AND '.join(where)} ORDER BY {order_by} LIMIT %(limit)s"


def page_params(q: TaskQuery, uid: uuid.UUID, fetch: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        "uid": uid,
        "limit": fetch,
        "priorities": sorted(p.value for p in q.priorities) if q.priorities else None,
        "due_after": q.due_after,
        "due_before": q.due_before,
        "overdue_at": q.overdue_at,
        "pattern": None,
        "tag_key": None if q.tag is None else tag_key(q.tag),
    }
    words = plain_words(q.text)
    params["words"] = words
    # The LIKE patterns, made once per search as the page functions make them.
    params["likes"] = None if words is None else [f"%{like_escaped(w)}%" for w in words]
    if words is not None:
        tag = str(uid)[:8]
        # The pieces that cover each word, as todo_api.search_terms picks them (revision 0012).
        params["grams"] = sorted(
            {tag + w[i : i + 3] for w in words for i in range(len(w) - 2) if i % 3 == 0 or i == len(w) - 3}
        )
    params["text"] = searched(q.text)
    if q.after is not None:
        params["after_id"] = q.after.id
        params |= {f"k{i}": value for i, value in enumerate(q.after.values)}
    return params


class Raw:
    """One psycopg connection as the table owner, for one person's rows. On a connection in
    autocommit (as tests.bench.data opens it) each statement is its own transaction and one
    round trip, as each of the data layer's calls is; ``last`` keeps the statements of the
    latest operation, for EXPLAIN."""

    def __init__(self, conn: psycopg.Connection, uid: uuid.UUID) -> None:
        self.conn = conn
        self.uid = uid
        self.last: list[tuple[str, dict[str, Any]]] = []

    def _all(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        params = {"uid": self.uid, **params}
        self.last.append((statement, params))
        cur = self.conn.execute(statement, params)  # type: ignore[arg-type]  # text built above
        return cur.fetchall() if cur.description is not None else []

    def _one(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        self.last = []
        rows = self._all(statement, params)
        self.conn.commit()
        return rows

    def create(
        self,
        task_id: uuid.UUID,
        title: str,
        description: str | None,
        priority: str,
        due_date: datetime | None,
        completed: bool,
    ) -> list[tuple[Any, ...]]:
        values = {"title": title, "description": description, "priority": priority, "due_date": due_date}
        return self._one(CREATE, {"id": task_id, "completed": completed, **values})

    def update(self, task_id: uuid.UUID, **values: Any) -> list[tuple[Any, ...]]:
        columns = tuple(c for c in UPDATABLE if c in values)
        return self._one(update_sql(columns), {"id": task_id, **values})

    def versions(self, ids: list[uuid.UUID]) -> list[datetime]:
        """The stored version of each of ``ids``, in order; a read set apart from the timed
        statements (not in ``last``)."""
        found = dict(self.conn.execute("SELECT id, updated_at FROM public.tasks WHERE id = ANY(%s)", (ids,)))
        self.conn.commit()
        return [found[i] for i in ids]

    def update_batch(
        self, ids: list[uuid.UUID], versions: list[datetime], titles: list[str], priorities: list[str]
    ) -> list[tuple[Any, ...]]:
        params = {"ids": ids, "versions": versions, "titles": titles, "priorities": priorities}
        return self._one(UPDATE_BATCH, params)

    def set_completed(self, ids: list[uuid.UUID], completed: bool) -> list[tuple[Any, ...]]:
        return self._one(SET_COMPLETED, {"ids": ids, "completed": completed})

    def delete(self, ids: list[uuid.UUID]) -> list[tuple[Any, ...]]:
        return self._one(DELETE, {"ids": ids})

    def counts(
        self, now: datetime, today: datetime, tomorrow: datetime, upcoming_end: datetime
    ) -> list[tuple[Any, ...]]:
        times = {"now": now, "today": today, "tomorrow": tomorrow, "upcoming_end": upcoming_end}
        return self._one(COUNTS, times)

    def tags(self) -> list[tuple[Any, ...]]:
        """The person's tags by name, each with its open tasks counted from task_tags."""
        return self._one(TAGS, {})

    def changed_since(self, since: int, limit: int) -> list[tuple[Any, ...]]:
        return self._one(CHANGED_SINCE, {"since": since, "limit": limit})

    def page(self, q: TaskQuery, fetch: int) -> list[tuple[Any, ...]]:
        """``fetch`` rows of a list, with the data layer's logic (task_queries._rows): by due
        date, the dated run first and the undated one only when the dated run runs out."""
        self.last = []
        params = page_params(q, self.uid, fetch)
        tier = title_tier_params(q, fetch)
        if tier is not None:
            rows = self._all(TITLE_TIER, params | tier)
            if len(rows) == fetch:  # the top tier fills the page
                self.conn.commit()
                return rows
        if q.ranked and q.text:
            rows = self._all(ranked_sql(), params)
        elif q.sort is not SortKey.DUE:
            rows = self._all(page_sql(q, None), params)
        elif q.after is not None and q.after.values[0] is None:
            rows = self._all(page_sql(q, "undated"), params)
        else:
            rows = self._all(page_sql(q, "dated"), params)
            if len(rows) < fetch and not due_filtered(q):
                rest = replace(q, after=None)
                more = page_params(rest, self.uid, fetch - len(rows))
                rows += self._all(page_sql(rest, "undated"), more)
        self.conn.commit()
        return rows
