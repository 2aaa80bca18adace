"""An apostrophe is an apostrophe whichever one was typed: "don't" finds "Don’t" as a phone
or a word processor writes it, and the other way round, in the title and in the notes, on
every path a search takes (candidates from the indexes, the walk of a long list, the word
syntax, best matches first). Nothing else stands in for it: "don't" does not find "Donut"."""

from __future__ import annotations

import uuid

import pytest

from todo_desktop.core.search_terms import marked_words
from todo_desktop.core.values import SortKey, Status, TaskDraft, TaskQuery

TITLES = ("Don’t forget the milk", "don't panic", "Donut run", "Don t care", "Don`t either")
BOTH = {"Don’t forget the milk", "don't panic"}


@pytest.fixture
def written(alice_tasks) -> None:
    for title in TITLES:
        alice_tasks.create(TaskDraft(title=title))


def _found(tasks, text: str, *, ranked: bool = False, sort: SortKey = SortKey.DUE) -> set[str]:
    status = Status.ALL if ranked else Status.OPEN
    return {t.title for t in tasks.list(TaskQuery(status=status, text=text, ranked=ranked, sort=sort)).tasks}


@pytest.mark.parametrize("text", ["don't", "don’t", "DON'T", "donʼt", "don‘t", "don＇t"])
@pytest.mark.parametrize("ranked", [False, True])
def test_either_apostrophe_finds_both(alice_tasks, written, text: str, ranked: bool) -> None:
    assert _found(alice_tasks, text, ranked=ranked) == BOTH


def test_a_quoted_phrase_reads_either(alice_tasks, written) -> None:
    """The word syntax matches whole words, and any mark between them splits them alike."""
    assert _found(alice_tasks, '"don’t"') == _found(alice_tasks, '"don\'t"') >= BOTH


def test_a_piece_too_short_for_the_index_is_walked_with_either(alice_tasks, written) -> None:
    assert _found(alice_tasks, "n't") == BOTH
    assert _found(alice_tasks, "n’t", sort=SortKey.TITLE) == BOTH


def test_the_notes_and_several_words(alice_tasks) -> None:
    alice_tasks.create(TaskDraft("Birthday", description="Get Ann’s present; it’s Friday"))
    alice_tasks.create(TaskDraft("Anne's list"))
    assert _found(alice_tasks, "ann's") == {"Birthday"}
    assert _found(alice_tasks, "it's ann's") == {"Birthday"}
    assert _found(alice_tasks, "it's ann's", ranked=True) == {"Birthday"}


def test_the_walk_of_a_long_list_reads_either(test_db, alice, alice_tasks) -> None:
    """A word in most of a long list is walked, not looked up: the walk folds them too."""
    _insert(test_db, alice.account.id, 1500, "Check the client’s file")
    alice_tasks.create(TaskDraft("Clients file, no apostrophe"))
    for sort in (SortKey.DUE, SortKey.TITLE):
        page = alice_tasks.list(TaskQuery(status=Status.OPEN, text="client's", sort=sort, limit=200))
        assert len(page.tasks) == 200 and page.next_cursor is not None
        assert all("client’s" in t.title for t in page.tasks)


def test_the_window_marks_the_word_as_the_database_finds_it() -> None:
    assert marked_words("Don’t  DONʼT") == ("don't",)


def _insert(test_db, user_id: uuid.UUID, count: int, title: str) -> None:
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO tasks (id, user_id, title) SELECT gen_random_uuid(), %s, %s || ' ' || i"
            " FROM generate_series(1, %s) i",
            (user_id, title, count),
        )
        su.execute("ANALYZE tasks")
