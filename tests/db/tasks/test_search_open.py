"""A search of the open tasks never reads the completed ones. Completed tasks pile up (most of
a long-time user's tasks are done), and a search that found its candidates among all of them
read each completed match from the table only to drop it. The open tasks have search indexes
of their own, so an open list's search costs the same however many done tasks also match."""

from __future__ import annotations

import uuid

import pytest

from tests.db.tasks.test_search import _titles
from tests.db.tasks.test_tag_page_reads import CALL as TAG_CALL
from tests.support.attack_helpers import blocks_read
from todo_desktop.core.values import SortKey, Status, TaskQuery
from todo_desktop.db.task_queries import page_params

# tasks_page with its search arguments too.
CALL = TAG_CALL.removesuffix(")") + ", %(search)s::text, %(offset)s::integer)"
OPEN_MATCHES = 40
# Over 1,000 open tasks in all, so the page weighs how common the word is in the list, as in
# a long-used one (a list of up to 1,000 is never walked). A thousand wide done matches are
# hundreds of pages: a search that read them would show it several times over the margin.
OTHERS = 1000
DONE_MATCHES = 1000


def _add(
    test_db, user_id: uuid.UUID, count: int, title: str, completed: bool, *, every: int = 1, notes: int = 400
) -> None:
    """``count`` tasks with wide notes (a few to a page of the table), search keys made; with
    ``every``, only each every-th is called ``title`` and the others "something else"."""
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO tasks (id, user_id, title, description, completed) "
            "SELECT gen_random_uuid(), %s, "
            "CASE WHEN i %% %s = 0 THEN %s ELSE 'something else' END || ' ' || i, "
            "repeat('x ', %s), %s FROM generate_series(1, %s) i",
            (user_id, every, title, notes, completed, count),
        )
        su.execute("ANALYZE tasks")


def _blocks(test_db, alice, query: TaskQuery) -> int:
    with test_db.superuser() as su:
        due_part = "both" if query.sort is SortKey.DUE and not query.ranked else None
        return blocks_read(su, alice.token, CALL, page_params(query, 101, due_part))


@pytest.mark.parametrize("sort", [SortKey.DUE, SortKey.TITLE])
def test_an_open_search_reads_no_completed_match(test_db, alice, alice_tasks, sort):
    query = TaskQuery(text="zanzibar", sort=sort)
    user = alice.account.id
    _add(test_db, user, OTHERS, "something else", completed=False)  # what most of the list is
    _add(test_db, user, OPEN_MATCHES, "zanzibar trip", completed=False)
    before = _blocks(test_db, alice, query)

    _add(test_db, user, DONE_MATCHES, "zanzibar trip done", completed=True)
    after = _blocks(test_db, alice, query)
    # Each done match lives on a page of its own or shares it with a few: reading them all
    # would cost hundreds of pages more.
    assert after < before + 60, (before, after)

    titles = _titles(alice_tasks, query)
    assert sorted(titles) == sorted(f"zanzibar trip {i}" for i in range(1, OPEN_MATCHES + 1))
    everything = _titles(alice_tasks, TaskQuery(text="zanzibar", status=Status.ALL, limit=1000))
    assert len(everything) == len(set(everything)) == OPEN_MATCHES + DONE_MATCHES


def test_done_tasks_do_not_make_a_word_look_common_in_the_open_list(test_db, alice, alice_tasks):
    """The page walks the list when the word is so common that its candidates would cost more
    than the rows a walk reads; it must weigh the list it searches. Counted among all of a
    person's tasks, a word in a tenth of 1,000 open tasks looked common once 10,000 done
    tasks were added, and the open list was walked to its end to find its 100 matches."""
    query = TaskQuery(text="zanzibar")
    user = alice.account.id
    _add(test_db, user, 1000, "zanzibar trip", completed=False, every=10)
    before = _blocks(test_db, alice, query)

    _add(test_db, user, 10_000, "old chore", completed=True, notes=0)
    after = _blocks(test_db, alice, query)
    assert after < before + 60, (before, after)
    assert sorted(_titles(alice_tasks, query)) == sorted(f"zanzibar trip {i}" for i in range(10, 1001, 10))


def test_an_open_search_finds_its_candidates_by_its_words_alone(test_db, alice):
    """Its plan is made once for anyone, so it must not start from what all open tasks share.
    Once most tasks were done, the open ones were few enough for the planner to read every
    open task from the index on completed (every person's) and check each for the words: a
    search that matches nothing read 266 pages."""
    nothing = TaskQuery(text="qqq")
    _add(test_db, alice.account.id, 1000, "zanzibar trip", completed=False, every=10)
    before = _blocks(test_db, alice, nothing)

    _add(test_db, alice.account.id, 10_000, "old chore", completed=True, notes=0)
    after = _blocks(test_db, alice, nothing)
    assert after < before + 60, (before, after)
