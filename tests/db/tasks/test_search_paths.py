"""A search answers exactly what its list answers, filtered by the words, in the list's own
order and across pages, whichever way it goes: a rare word through its candidates (sorted on
their own columns, each row read in its turn), a common one by walking the list at once. And
which way it goes depends on the caller's own tasks only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.attack_helpers import as_session, attacker
from todo_desktop.core.values import Priority, SortKey, Status, Task, TaskQuery
from todo_desktop.sync.transfer import prepare_search

COMMON, RARE = "plumb", "zanzi"
COUNT = 1300  # past the size from which tasks_page guesses how common a word is
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _task(i: int, owner_word: str = "") -> Task:
    words = []
    if i % 2:
        words.append(COMMON)
    if i % 50 == 7:
        words.append(RARE)
    text = " ".join(words)
    in_notes = i % 3 == 0
    created = START + timedelta(minutes=i // 4)  # four at each instant: the id breaks the tie
    return Task(
        id=uuid.uuid4(),
        title=f"Task {i:04} {'' if in_notes else text} {owner_word}".strip(),
        description=f"notes {text}" if in_notes else None,
        completed=i % 4 == 1,
        priority=list(Priority)[i % 4],
        due_date=None if i % 5 == 0 else START + timedelta(days=i % 40),
        created_at=created,
        updated_at=created,
        tags=("home",) if i % 6 == 3 else (),
    )


@pytest.fixture
def long_list(alice_tasks):
    alice_tasks.import_many([_task(i) for i in range(COUNT)])
    prepare_search(alice_tasks)
    return alice_tasks


def _walk(tasks, query: TaskQuery) -> list[Task]:
    found, cursor = [], None
    while True:
        page = tasks.list(TaskQuery(**{**{f: getattr(query, f) for f in query.__slots__}, "after": cursor}))
        found += page.tasks
        cursor = page.next_cursor
        if cursor is None:
            return found


def _matches(task: Task, word: str) -> bool:
    return word in f"{task.title}\n{task.description or ''}".lower()


def _same_as_the_list(tasks, word: str, page: int = 7, **shape) -> None:
    listed = [t.id for t in _walk(tasks, TaskQuery(limit=1000, **shape)) if _matches(t, word)]
    searched = [t.id for t in _walk(tasks, TaskQuery(text=word, limit=page, **shape))]
    assert listed, "the list has matches to compare"
    assert searched == listed


@pytest.mark.parametrize("word", [COMMON, RARE])
@pytest.mark.parametrize("status", [Status.OPEN, Status.COMPLETED, Status.ALL])
@pytest.mark.parametrize("sort", list(SortKey))
def test_a_search_is_its_list_filtered_in_the_same_order(long_list, word, status, sort):
    _same_as_the_list(long_list, word, status=status, sort=sort)


@pytest.mark.parametrize("word", [COMMON, RARE])
@pytest.mark.parametrize(
    "shape",
    [
        {"due_after": START + timedelta(days=3), "due_before": START + timedelta(days=20)},
        {"overdue_at": START + timedelta(days=10)},
        {"priorities": frozenset({Priority.HIGH, Priority.URGENT}), "sort": SortKey.PRIORITY},
        {"tag": "home", "status": Status.ALL},
        {"tag": "home", "sort": SortKey.TITLE},
    ],
    ids=["window", "overdue", "priorities", "tag", "tag-by-title"],
)
def test_filtered_lists_search_the_same_way(long_list, word, shape):
    _same_as_the_list(long_list, word, **shape)


@pytest.mark.parametrize("word", [COMMON, RARE])
def test_one_long_page_holds_the_dated_run_then_the_undated(long_list, word):
    _same_as_the_list(long_list, word, page=1000, status=Status.ALL)


def _index_scans(test_db, token: str, word: str) -> int:
    """Scans of the search index one first page of the open list makes."""
    with attacker(test_db.client_url) as c:
        as_session(c, token)
        c.execute(
            "SELECT count(*) FROM todo_api.tasks_page('due', false, NULL, NULL, NULL, NULL, NULL, 'both',"
            " NULL, NULL, NULL, NULL, 101, NULL, %s)",
            (word,),
        )
        scans = c.execute(
            "SELECT pg_stat_get_xact_numscans('public.tasks_search_grams'::regclass)"
        ).fetchone()[0]
        c.rollback()
        return int(scans)


def test_a_common_word_walks_and_a_rare_one_asks_the_index(test_db, alice, long_list, bob_tasks):
    # Bob's tasks all hold the rare word: how Alice's search goes must not change.
    bob_tasks.import_many([_task(i, RARE) for i in range(COUNT)])
    prepare_search(bob_tasks)
    assert _index_scans(test_db, alice.token, COMMON) == 0
    assert _index_scans(test_db, alice.token, RARE) > 0
    assert _index_scans(test_db, alice.token, "pl") == 0  # too short for the index
