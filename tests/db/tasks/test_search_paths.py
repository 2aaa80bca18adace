"""A search answers exactly what its list answers, filtered by the words, in the list's own
order and across pages, whichever way it goes: a rare word through its candidates (sorted on
their own columns, each row read in its turn), a common one by walking the list at once. And
which way it goes depends on the caller's own tasks only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.memory_tasks import make_task
from tests.support.search_order import best_first, matches, walk
from todo_desktop.core.values import Priority, SortKey, Status, Task, TaskQuery
from todo_desktop.sync.transfer import prepare_search

COMMON, RARE = "plumb", "zanzi"
COUNT = 1400  # its open tasks past the size from which tasks_page guesses how common a word is
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
        description=f"notes {text}" if in_notes else ("a keynote" if i % 7 == 0 else None),
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


def _same_as_the_list(tasks, word: str, page: int = 7, **shape) -> None:
    listed = [t.id for t in walk(tasks, TaskQuery(limit=1000, **shape)) if matches(t, word)]
    searched = [t.id for t in walk(tasks, TaskQuery(text=word, limit=page, **shape))]
    assert listed, f"the list has matches to compare: {word} {shape}"
    assert searched == listed, f"{word} {shape}"


# One list of tasks per test (made by import), so each test walks many shapes of search.
@pytest.mark.parametrize("sort", list(SortKey))
def test_a_search_is_its_list_filtered_in_the_same_order(long_list, sort):
    for word in (COMMON, RARE):
        for status in (Status.OPEN, Status.COMPLETED, Status.ALL):
            _same_as_the_list(long_list, word, status=status, sort=sort)


FILTERED = (
    {"due_after": START + timedelta(days=3), "due_before": START + timedelta(days=20)},
    {"overdue_at": START + timedelta(days=10)},
    {"priorities": frozenset({Priority.HIGH, Priority.URGENT}), "sort": SortKey.PRIORITY},
    {"tag": "home", "status": Status.ALL},
    {"tag": "home", "sort": SortKey.TITLE},
)


def test_filtered_lists_and_long_pages_search_the_same_way(long_list):
    for word in (COMMON, RARE):
        for shape in FILTERED:
            _same_as_the_list(long_list, word, **shape)
        # One long page: the dated run, then the undated one.
        _same_as_the_list(long_list, word, page=1000, status=Status.ALL)


def _calls(test_db, token: str, word: str, sort: str = "due", rows: int = 101) -> tuple[int, int]:
    """How often one first page of the open list asks for the top of the search's candidates,
    and for every candidate."""
    with test_db.superuser() as su:
        su.execute("SET track_functions = 'all'")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (token,))
        su.execute(
            "SELECT count(*) FROM todo_api.tasks_page(%s, false, NULL, NULL, NULL, NULL, NULL,"
            " CASE WHEN %s = 'due' THEN 'both' END, NULL, NULL, NULL, NULL, %s, NULL, %s)",
            (sort, sort, rows, word),
        )
        calls = su.execute(
            "SELECT coalesce(pg_stat_get_xact_function_calls('todo_api.search_top'::regproc), 0),"
            " coalesce(pg_stat_get_xact_function_calls('todo_api.search_candidates'::regproc), 0)"
        ).fetchone()
        su.rollback()
        return int(calls[0]), int(calls[1])


def _candidate_calls(test_db, token: str, word: str, sort: str = "due", rows: int = 101) -> int:
    """How often one first page of the open list asks the search index at all."""
    return sum(_calls(test_db, token, word, sort, rows))


def test_a_common_word_walks_and_a_rare_one_asks_for_candidates(test_db, alice, long_list, bob_tasks):
    # Bob's tasks all hold the rare word: how Alice's search goes must not change.
    bob_tasks.import_many([_task(i, RARE) for i in range(COUNT)])
    prepare_search(bob_tasks)
    assert _candidate_calls(test_db, alice.token, COMMON) == 0
    assert _candidate_calls(test_db, alice.token, RARE) == 1
    assert _candidate_calls(test_db, alice.token, "pl") == 0  # too short for the index
    # A short ranked page is filled by the top tier's walk; a long one costs less from candidates.
    assert _candidate_calls(test_db, alice.token, COMMON, "relevance", rows=21) == 0
    assert _candidate_calls(test_db, alice.token, COMMON, "relevance", rows=1001) == 1
    assert _candidate_calls(test_db, alice.token, RARE, "relevance") == 1
    # The top of the candidates answers a rare word alone: every candidate is never asked for.
    assert _calls(test_db, alice.token, RARE) == (1, 0)
    assert _calls(test_db, alice.token, RARE, "relevance") == (1, 0)


def test_when_the_top_candidates_fail_their_checks_every_candidate_is_read(test_db, alice, alice_tasks):
    """Pieces of a word found apart make candidates that are no match. When the newest
    hundreds are all such, the page still holds the older real matches, in order."""
    base = datetime(2026, 5, 1, tzinfo=UTC)

    def made(i: int, title: str) -> Task:
        at = base + timedelta(minutes=i)
        return make_task(title, created_at=at, updated_at=at)

    real = [made(i, f"Quokka {i:03}") for i in range(60)]
    apart = [made(100 + i, f"Quo and kka {i:03}") for i in range(300)]
    filler = [made(1000 + i, f"Filler {i:04}") for i in range(1000)]
    alice_tasks.import_many(real + apart + filler)
    prepare_search(alice_tasks)
    page = alice_tasks.list(TaskQuery(text="quokka", sort=SortKey.CREATED, limit=50))
    assert [t.id for t in page.tasks] == [t.id for t in reversed(real)][:50]
    assert _calls(test_db, alice.token, "quokka", "created", 51) == (1, 1)


def test_the_relevance_order_is_tier_then_newest_on_every_page(long_list):
    everything = walk(long_list, TaskQuery(status=Status.ALL, limit=1000))
    for text in (COMMON, RARE, "lumb", "anz", "note", "pl", f"task {COMMON}", "task 000"):
        words = sorted(set(text.split()))
        expected = best_first(everything, words)
        # Pages of 41: the commonest text still crosses a dozen page boundaries.
        ranked = walk(long_list, TaskQuery(status=Status.ALL, text=text, ranked=True, limit=41))
        assert expected, text
        assert [t.id for t in ranked] == [t.id for t in expected], text


def test_the_word_syntax_ranks_title_matches_first(long_list):
    ranked = walk(long_list, TaskQuery(status=Status.ALL, text=f'"{COMMON}" -zanzi', ranked=True, limit=50))
    in_title = [COMMON in t.title for t in ranked]
    assert in_title == sorted(in_title, reverse=True) and any(in_title) and not all(in_title)
    assert not any(RARE in f"{t.title} {t.description}" for t in ranked)
