"""Search while the person works and types: a page of best matches read after rows above it
went away skips none of the rest, and an "or" at either end of the text, half typed, does
not turn the search into a hunt for the word "or". The window reads the text as the database
does (core.search_terms and todo_api.search_terms agree)."""

from __future__ import annotations

import pytest

from todo_desktop.core.search_terms import marked_words, uses_word_syntax
from todo_desktop.core.values import Status, TaskDraft, TaskQuery


def _ranked_pages(tasks, text: str, limit: int, between=lambda page: None) -> list[str]:
    """Every page of a ranked search, ``between`` called with each page before the next."""
    found: list[str] = []
    query = TaskQuery(status=Status.ALL, text=text, ranked=True, limit=limit)
    while True:
        page = tasks.list(query)
        found += [t.title for t in page.tasks]
        if page.next_cursor is None:
            return found
        between(page)
        query = TaskQuery(status=Status.ALL, text=text, ranked=True, limit=limit, after=page.next_cursor)


@pytest.mark.slow
def test_best_matches_read_after_rows_above_were_deleted_skip_none(alice_tasks) -> None:
    made = [alice_tasks.create(TaskDraft(title=f"Plumber job {i:03}")) for i in range(130)]
    assert len(_ranked_pages(alice_tasks, "plumber", 40)) == 130
    deleted: list[str] = []

    def delete_some_shown(page) -> None:
        gone = page.tasks[:5]  # as the person deletes the first rows they see
        alice_tasks.delete([t.id for t in gone])
        deleted.extend(t.title for t in gone)

    found = _ranked_pages(alice_tasks, "plumber", 40, delete_some_shown)
    remaining = {t.title for t in made} - set(deleted)
    assert len(found) == len(set(found))  # none twice
    assert remaining - set(found) == set()  # none skipped


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("milk or", {"Buy milk"}),  # on the way to "milk or bread"
        ("or milk", {"Buy milk"}),
        ("MILK OR", {"Buy milk"}),
        ("or", {"Order pizza", "Fix the door"}),  # alone, it is the letters typed
        ("milk or bread", {"Buy milk", "Bread"}),  # between words, the word syntax
    ],
)
def test_an_or_at_either_end_is_still_being_typed(alice_tasks, text: str, wanted: set[str]) -> None:
    for title in ("Buy milk", "Order pizza", "Fix the door", "Bread"):
        alice_tasks.create(TaskDraft(title=title))
    for ranked in (False, True):
        page = alice_tasks.list(TaskQuery(status=Status.ALL, text=text, ranked=ranked))
        assert {t.title for t in page.tasks} == wanted


SAMPLES = [
    "milk",
    "milk or",
    "or milk",
    "or",
    "OR",
    "milk or bread",
    "milk  or\tbread",
    "-milk",
    "milk -bread",
    "a-b",
    '"call mom"',
    "door",
    "orange or",
    "or or",
    "order",
]


def test_the_window_reads_a_search_as_the_database_does(test_db) -> None:
    with test_db.superuser() as su:
        for text in SAMPLES:
            row = su.execute("SELECT words IS NULL FROM todo_api.search_terms(%s)", (text,)).fetchone()
            assert row is not None and row[0] == uses_word_syntax(text), text


def test_a_half_typed_or_is_not_marked_in_the_rows() -> None:
    assert marked_words("milk or") == ("milk",)
    assert marked_words("Or Milk") == ("milk",)
    assert marked_words("or") == ("or",)
    assert marked_words("milk or bread") == ("milk", "bread")
