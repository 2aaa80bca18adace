"""The three-letter pieces a task is indexed by: only those a search can ask for. A search
cuts what was typed into words at white space and asks for pieces inside each word, so a
piece that spans a space, a tab or a line break is never asked for, and a piece indexed twice
is read twice for nothing. Such pieces made the pieces' index and every task's row nearly
twice as large, and every new title paid for them. Whatever the pieces, every word and part
of a word is still found beside any white space."""

from __future__ import annotations

import re

import pytest

from todo_desktop.core.values import Status, TaskChanges, TaskDraft, TaskQuery

TITLE = "Call the plumber, the PLUMBER"
NOTES = "about the\tleak\nunder the sink\r\n\n  sink  again"


def _stored_pieces(test_db, task_id) -> list[str]:
    with test_db.superuser() as su:
        return su.execute("SELECT search_grams FROM public.tasks WHERE id = %s", (task_id,)).fetchone()[0]


def _pieces_a_search_can_ask_for(tag: str, *texts: str) -> set[str]:
    words = (w for text in texts for w in re.split(r"\s+", text.lower()) if w)
    return {tag + w[i : i + 3] for w in words for i in range(len(w) - 2)}


def test_a_task_is_indexed_by_each_piece_of_its_words_once(test_db, alice, alice_tasks):
    task = alice_tasks.create(TaskDraft(title=TITLE, description=NOTES))
    stored = _stored_pieces(test_db, task.id)
    tag = str(alice.account.id)[:8]
    assert len(stored) == len(set(stored)), "a piece is indexed more than once"
    assert set(stored) == _pieces_a_search_can_ask_for(tag, TITLE, NOTES)

    retitled = "Fix the  sink now"
    edited = alice_tasks.update(task.id, TaskChanges(title=retitled))
    assert set(_stored_pieces(test_db, edited.id)) == _pieces_a_search_can_ask_for(tag, retitled, NOTES)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("leak", True),  # after a tab, before a line break
        ("eak", True),
        ("under", True),  # after a line break
        ("sink again", True),  # between runs of spaces
        ("ink", True),
        ("plumber,", True),  # punctuation stays part of its word
        ("PLUMBER", True),
        ("the\tleak", True),  # two words, whatever white space the person typed
        ("theleak", False),
        ("the\tleaks", False),  # every word must be found: "leaks" is not
    ],
)
def test_words_beside_any_white_space_are_found(alice_tasks, text, found):
    alice_tasks.create(TaskDraft(title=TITLE, description=NOTES))
    alice_tasks.create(TaskDraft(title="Something else entirely"))
    titles = {t.title for t in alice_tasks.list(TaskQuery(status=Status.ALL, text=text)).tasks}
    assert titles == ({TITLE} if found else set())
