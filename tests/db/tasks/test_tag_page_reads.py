"""A list filtered by tag reads a page of rows, in every order, however many tasks carry the
tag and however deep the page: it walks one task_tags index in the list's order and stops.

Counted as test_page_reads counts unfiltered pages: the buffer pages one todo_api call reads,
everything inside the function included. A page of a tagged list costs more per row than an
unfiltered one (each row is found through its task_tags entry, then read from the tasks), but
what matters is that it does not grow with the tag: reading every task with the tag, or every
task of the list, touches thousands.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.attack_helpers import blocks_read
from todo_desktop.core.values import Cursor, Priority, SortKey, Status, TaskQuery
from todo_desktop.db.task_queries import page_params

CALL = (
    "todo_api.tasks_page(%(sort)s::text, %(completed)s::boolean, %(priorities)s::text[], "
    "%(due_after)s::timestamptz, %(due_before)s::timestamptz, %(overdue_at)s::timestamptz, "
    "%(pattern)s::text, %(due_part)s::text, %(after_id)s::uuid, %(after_time)s::timestamptz, "
    "%(after_rank)s::smallint, %(after_text)s::text, %(limit)s::integer, %(tag_key)s::text)"
)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
# A page of 101 rows: about three pages a row (its task_tags entry, the tasks' primary key
# and heap row) and a few index pages, about 330 (its task_tags heap row too, before vacuum
# marks the pages all-visible). Reading the tag's 10,000 tasks, or the list's 20,000,
# touches tens of thousands.
MOST_BLOCKS = 520


@pytest.fixture
def tagged_list(test_db, alice) -> uuid.UUID:
    """20,000 wide tasks for Alice: half tagged 'common', ten 'rare'; 100 for each of 100
    others, who have a tag 'common' too."""
    with test_db.superuser() as su:
        user = su.execute("SELECT id FROM users WHERE email = 'alice@example.com'").fetchone()[0]
        hash_ = su.execute("SELECT password_hash FROM users WHERE id = %s", (user,)).fetchone()[0]
        su.execute(
            "INSERT INTO users (email, first_name, last_name, password_hash) "
            "SELECT 'u' || i || '@example.com', 'U', 'T', %s FROM generate_series(1, 100) i",
            (hash_,),
        )
        su.execute(
            "INSERT INTO tags (user_id, name, name_key) SELECT u.id, n, lower(n) FROM users u, "
            "unnest(ARRAY['Common', 'Rare']) n"
        )
        # Their search keys are left for later, as an import's are: these tests read lists.
        su.execute("SET todo.search_later = 'on'")
        su.execute(
            "INSERT INTO tasks (id, user_id, title, description, completed, priority, due_date, created_at, "
            "tags) "
            "SELECT gen_random_uuid(), u.id, 'task ' || md5(i::text), repeat('x', 300), i %% 3 = 0, "
            "(ARRAY['low', 'medium', 'high', 'urgent'])[1 + i %% 4], "
            "CASE WHEN i %% 5 = 0 THEN NULL ELSE %s + (i %% 400 - 200) * interval '1 day' END, "
            "%s - i * interval '1 min', "
            "CASE WHEN i %% 2000 = 7 THEN ARRAY['Rare', 'Common'] WHEN i %% 2 = 1 THEN ARRAY['Common'] "
            "ELSE '{}' END "
            "FROM users u, generate_series(1, CASE WHEN u.id = %s THEN 20000 ELSE 100 END) i",
            (NOW, NOW, user),
        )
        # Vacuumed as autovacuum would have by then: whether a page is marked all-visible decides
        # whether an index-only read visits it, and autovacuum may or may not reach it mid-test.
        su.execute("VACUUM ANALYZE tasks, tags, task_tags")
    return user


def _fields(query: TaskQuery) -> dict[str, object]:
    return {name: getattr(query, name) for name in query.__slots__}


def _deep_cursor(alice_tasks, query: TaskQuery, rows: int) -> Cursor:
    cursor = None
    for _ in range(rows // 1000):
        cursor = alice_tasks.list(TaskQuery(**{**_fields(query), "limit": 1000, "after": cursor})).next_cursor
        assert cursor is not None
    return cursor


def _blocks(test_db, alice, query: TaskQuery, due_part: str | None) -> int:
    with test_db.superuser() as su:
        return blocks_read(su, alice.token, CALL, page_params(query, 101, due_part))


@pytest.mark.parametrize("status", [Status.OPEN, Status.COMPLETED])
@pytest.mark.parametrize("sort", [s for s in SortKey if s is not SortKey.DUE])
def test_first_and_deep_pages_of_a_tag_read_a_page_of_rows(
    test_db, alice, alice_tasks, tagged_list, sort, status
):
    query = TaskQuery(status=status, sort=sort, tag="COMMON")
    deep = _deep_cursor(alice_tasks, query, 3000)
    found = []
    for q in (query, TaskQuery(**{**_fields(query), "after": deep})):
        found.append(_blocks(test_db, alice, q, None))
    assert max(found) < MOST_BLOCKS, found


@pytest.mark.parametrize("status", [Status.OPEN, Status.COMPLETED])
def test_the_due_order_of_a_tag_reads_a_page_of_either_run(test_db, alice, alice_tasks, tagged_list, status):
    query = TaskQuery(status=status, tag="common")
    dated = _deep_cursor(alice_tasks, query, 2000)
    undated = _deep_cursor(alice_tasks, query, 6000 if status is Status.OPEN else 3000)
    assert undated.values[0] is None
    for q, part in (
        (query, "dated"),
        (TaskQuery(status=status, tag="common", after=dated), "dated"),
        (query, "undated"),
        (TaskQuery(status=status, tag="common", after=undated), "undated"),
    ):
        assert _blocks(test_db, alice, q, part) < MOST_BLOCKS, (q, part)


def test_a_rare_tag_reads_its_few_rows_and_a_filtered_tag_its_window(
    test_db, alice, alice_tasks, tagged_list
):
    rare = TaskQuery(status=Status.COMPLETED, tag="rare", sort=SortKey.TITLE)
    assert len(alice_tasks.list(rare).tasks) == 3
    assert _blocks(test_db, alice, rare, None) < 40
    week = TaskQuery(
        tag="common",
        priorities=frozenset({Priority.HIGH, Priority.URGENT}),
        due_after=NOW,
        due_before=NOW + timedelta(days=7),
    )
    assert _blocks(test_db, alice, week, "dated") < MOST_BLOCKS


def test_someone_elses_tag_costs_what_no_tag_does(test_db, alice, tagged_list):
    """The tag is looked up among the caller's own tags only: another person's, a made-up one
    and a real one without open tasks in the window all stop at that lookup."""
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO tags (user_id, name, name_key) SELECT id, 'BobOnly', 'bobonly' FROM users "
            "WHERE email = 'u1@example.com'"
        )
    costs = {
        key: _blocks(test_db, alice, TaskQuery(tag=key), "dated")
        for key in ("bobonly", "made-up-tag", "nothing")
    }
    assert len(set(costs.values())) == 1, costs
