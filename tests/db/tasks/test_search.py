"""Search as people use it: typed words found anywhere in the title or the notes, in any case
(the same answer as ILIKE for each word); the word syntax ("phrase", -word, or) by whole words;
the relevance order; and the same results whichever path a search takes (candidates from the
indexes, or the walk of a list whose matches are many)."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from todo_desktop.core.values import SortKey, Status, TaskDraft, TaskQuery

ALPHABET = "abcAB Ééßİı-'’ʼ\"%_\\"
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼ＇", "'"))
_FOLD = ("’‘ʼ＇", "'" * 4)  # translate(text, these, to these)


def _titles(tasks, query: TaskQuery) -> list[str]:
    found, cursor = [], None
    while True:
        page = tasks.list(query if cursor is None else TaskQuery(**{**_fields(query), "after": cursor}))
        found += [t.title for t in page.tasks]
        cursor = page.next_cursor
        if cursor is None:
            return found


def _fields(q: TaskQuery) -> dict[str, object]:
    return {f: getattr(q, f) for f in q.__slots__}


def _reference(test_db, user_id, text: str) -> set[str]:
    """Each typed word in the title or the notes, by ILIKE, read as the database's owner; any
    apostrophe is the plain one."""
    words = text.translate(_APOSTROPHES).split()
    pattern = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT title FROM public.tasks t WHERE user_id = %s AND NOT EXISTS ("
            " SELECT 1 FROM unnest(%s::text[]) w WHERE NOT ("
            "  translate(t.title, %s, %s) ILIKE '%%' || w || '%%'"
            "  OR translate(coalesce(t.description, ''), %s, %s) ILIKE '%%' || w || '%%'))",
            (user_id, pattern, *_FOLD, *_FOLD),
        ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def kitchen(alice_tasks):
    rows = [
        ("Call the plumber", "about the leak under the sink"),
        ("Plumbing parts", None),
        ("Buy milk", "oat, not cow"),
        ("Buy oat bread", None),
        ("Write report", "quarterly numbers for the plumber union"),
        ("Zoë's café", "☕ at nine"),
    ]
    return {t: alice_tasks.create(TaskDraft(title=t, description=d)) for t, d in rows}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plum", {"Call the plumber", "Plumbing parts", "Write report"}),
        ("PLUM leak", {"Call the plumber"}),
        ("umbe", {"Call the plumber", "Write report"}),
        ("oat", {"Buy milk", "Buy oat bread"}),
        ("ZOË café", {"Zoë's café"}),
        ("☕", {"Zoë's café"}),
        ("bu", {"Buy milk", "Buy oat bread"}),
        ('"buy milk"', {"Buy milk"}),
        ("buy -milk", {"Buy oat bread"}),
        ("milk or report", {"Buy milk", "Write report"}),
        ("plum -the", set()),  # the word syntax is by whole words: "plum" is none
        ("nothing here", set()),
    ],
)
def test_words_are_found_where_people_expect(alice_tasks, kitchen, text, expected):
    for ranked in (False, True):
        got = _titles(alice_tasks, TaskQuery(status=Status.ALL, text=text, ranked=ranked, limit=2))
        assert set(got) == expected
        assert len(got) == len(set(got)), "no task twice across pages"


def test_relevance_puts_title_matches_first_and_pages_without_gaps(alice_tasks, kitchen):
    got = _titles(alice_tasks, TaskQuery(status=Status.ALL, text="plumber", ranked=True, limit=1))
    assert got == ["Call the plumber", "Write report"]


def test_the_walk_and_the_candidates_give_the_same_answer(alice_tasks):
    """Over a thousand matches a search walks the list; the answer and its order hold."""
    drafts = [TaskDraft(title=f"shared word {i:04}", description="x" if i % 2 else None) for i in range(1200)]
    for draft in drafts:
        alice_tasks.create(draft)
    alice_tasks.create(TaskDraft(title="rare thing"))
    for sort in SortKey:
        walked = _titles(alice_tasks, TaskQuery(status=Status.OPEN, text="shared", sort=sort, limit=500))
        assert len(walked) == 1200 and len(set(walked)) == 1200
        narrow = _titles(alice_tasks, TaskQuery(status=Status.OPEN, text="word 011", sort=sort))
        assert sorted(narrow) == sorted(t for t in walked if "011" in t)
    ranked = _titles(alice_tasks, TaskQuery(status=Status.ALL, text="shared", ranked=True, limit=400))
    assert len(ranked) == 1200 and len(set(ranked)) == 1200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    titles=st.lists(st.text(ALPHABET, min_size=1, max_size=12).filter(str.strip), min_size=1, max_size=8),
    text=st.text(ALPHABET + string.digits, min_size=1, max_size=6).filter(
        lambda s: s.strip() and '"' not in s
    ),
)
def test_typed_words_find_what_ilike_finds(test_db, alice, alice_tasks, titles, text):
    if any(w.startswith("-") for w in text.split()) or "or" in text.lower().split():
        return  # the word syntax: another rule, tested above
    with test_db.superuser() as su:
        su.execute("DELETE FROM public.tasks WHERE user_id = %s", (alice.account.id,))
    for i, title in enumerate(titles):
        alice_tasks.create(TaskDraft(title=title, description=titles[-1 - i] if i % 2 else None))
    got = _titles(alice_tasks, TaskQuery(status=Status.ALL, text=text, limit=3))
    assert set(got) == _reference(test_db, alice.account.id, text)
