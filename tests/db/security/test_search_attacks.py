"""Search from the attacker's side: a client role with an account of its own and hand-written
calls. The search indexes are read only by a function clients cannot call; its role reads no
title or note; another person's tasks never come back, whichever path a search takes, even
when their index keys are made to look like the caller's; hostile search text is refused or
found in, never an error that leaks."""

from __future__ import annotations

import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import as_session, attacker
from todo_desktop.core.values import Status, TaskDraft, TaskQuery

# tasks_page with a search: sort, completed, …, limit, tag, search, offset.
SEARCH = (
    "SELECT id, title FROM todo_api.tasks_page(%s, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, 1000, NULL, %s, NULL)"
)


@pytest.fixture
def conn(conn, alice):
    """The attacker's connection, signed in as Alice."""
    as_session(conn, alice.token)
    return conn


@pytest.fixture
def secrets(bob_tasks):
    titles = ["Divorce lawyer call", "Plumber about the leak", "lawyer fees"]
    return [bob_tasks.create(TaskDraft(title=t, description="secret notes")) for t in titles]


def _found(conn, text: str, sort: str = "created") -> set[str]:
    return {row[1] for row in conn.execute(SEARCH, (sort, text)).fetchall()}


def test_clients_cannot_call_the_candidate_function_or_its_helpers(conn, alice):
    for call in (
        "SELECT todo_api.search_candidates(to_tsquery('simple', 'lawyer'), NULL, 10)",
        "SELECT todo_api.search_candidates(NULL, ARRAY['law'], 10)",
        "SELECT * FROM todo_api.search_terms('lawyer')",
        "SELECT todo_api.search_candidates(NULL, ARRAY['law'], 10, 'lawyer:*A', 'lawyer:*')",
        "SELECT todo_api.search_top(NULL, ARRAY['law'], 'created', 10, 100, NULL, NULL, NULL, NULL, NULL, "
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "SELECT public.todo_search_tier(''::tsvector, 'a'::tsquery, 'a'::tsquery)",
        "SELECT public.todo_search_starts(ARRAY['law'], true)",
        "SELECT public.todo_search_in_title('law'::tsquery)",
        "SELECT public.todo_search_grams(gen_random_uuid(), 'a', 'b')",
        "SELECT * FROM todo_api.search_title_top(ARRAY['lawyer'], 10)",
        "SELECT public.todo_title_words(gen_random_uuid(), ''::tsvector)",
        "SELECT public.todo_prefix_end('law')",
        "SELECT public.todo_title_words_refill()",
        "SELECT * FROM todo_api.tasks_page_built('created', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
        "NULL, NULL, NULL, 10, NULL, NULL, ARRAY['law'], NULL, NULL)",
    ):
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(call)
        conn.rollback()
        as_session(conn, alice.token)


def test_the_search_role_reads_no_title_or_note_and_cannot_sign_in(test_db, secrets):
    with test_db.superuser() as su:
        login = su.execute(
            "SELECT rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname = 'todo_search_owner'"
        )
        assert login.fetchone() == (False, False)
        su.execute("SET ROLE todo_search_owner")
        # It reads what a list sorts by (dates, priority, done), never what a task says.
        for column in ("title", "description", "tags", "repeat_rule", "completed_at", "priority"):
            with pytest.raises(pg.InsufficientPrivilege):
                su.execute(f"SELECT {column} FROM public.tasks")
            su.rollback()
            su.execute("SET ROLE todo_search_owner")
        for statement in (
            "UPDATE public.tasks SET search_grams = '{}'",
            "UPDATE public.tasks SET due_date = NULL",
            "DELETE FROM public.tasks",
        ):
            with pytest.raises(pg.InsufficientPrivilege):
                su.execute(statement)
            su.rollback()
            su.execute("SET ROLE todo_search_owner")


@pytest.mark.parametrize("sort", ["created", "relevance"])
@pytest.mark.parametrize(
    "text", ["lawyer", "law", "Divorce lawyer", '"lawyer call"', "lawyer -fees", "l", "secret"]
)
def test_another_persons_tasks_never_come_back(conn, alice_tasks, secrets, sort, text):
    mine = alice_tasks.create(TaskDraft(title="My own lawyer, secret call", description="fees"))
    found = _found(conn, text, sort)
    assert found <= {mine.title}
    assert not found & {t.title for t in secrets}


def test_keys_made_to_look_like_mine_still_bring_nothing_back(test_db, conn, alice, alice_tasks, secrets):
    """The owner tag only narrows the index read; the rows are still filtered by owner."""
    alice_tasks.create(TaskDraft(title="lawyer"))
    with test_db.superuser() as su:
        # Bob's keys rewritten with Alice's tag, as a collision of tags would make them.
        su.execute(
            "UPDATE public.tasks b SET search_words = a.search_words, search_grams = a.search_grams "
            "FROM public.tasks a WHERE a.user_id = %s AND b.user_id <> a.user_id",
            (alice.account.id,),
        )
        su.commit()
    assert _found(conn, "lawyer") == {"lawyer"}
    assert _found(conn, '"lawyer"') == {"lawyer"}


def _make(test_db, token: str, count: int) -> None:
    with attacker(test_db.client_url) as c:
        as_session(c, token)
        c.execute(
            "SELECT count(*) FROM generate_series(1, %s) i, LATERAL todo_api.create_task(gen_random_uuid(), "
            "'common word ' || i, 'common word ' || i, NULL, 'low', NULL, false)",
            (count,),
        )
        c.commit()


def test_many_matches_walk_the_list_and_still_find_only_mine(test_db, conn, alice, bob, alice_tasks):
    """Over the candidate limit a search walks the caller's own list: Bob's matches do not count."""
    _make(test_db, bob.token, 1100)
    alice_tasks.create(TaskDraft(title="a common thing"))
    assert _found(conn, "common") == {"a common thing"}
    assert _found(conn, "common", "relevance") == {"a common thing"}
    _make(test_db, alice.token, 1050)
    assert len(_found(conn, "common")) == 1000  # a page of the walk, not the candidates
    assert len(_found(conn, "common", "relevance")) == 1000


@pytest.mark.parametrize(
    "text",
    [
        "'",
        "''",
        '"',
        '"unclosed phrase',
        "-",
        "or",
        "a or or b",
        "!",
        "x:*",
        "a & b | c",
        "a <-> b",
        "\\",
        "%_",
        "(",
        "'; DROP TABLE public.tasks; --",
        "😀",
        "a" * 200,
        " ".join(["w"] * 100),
    ],
)
def test_hostile_search_text_finds_or_not_but_never_fails(conn, alice_tasks, text):
    alice_tasks.create(TaskDraft(title=f"it says {text}"))
    found = _found(conn, text) | _found(conn, text, "relevance")
    assert found <= {f"it says {text}"}
    listed = alice_tasks.list(TaskQuery(status=Status.ALL, text=text, limit=50)).tasks
    assert [t.title for t in listed] == [f"it says {text}"] or not listed


def test_a_search_is_no_oracle_for_whether_someone_else_has_a_word(conn, secrets):
    """Nothing of Bob's counts: a word only he has and one nobody has look the same."""
    for text in ("divorce", "nobodyhasthis"):
        assert _found(conn, text) == set()
        assert _found(conn, text, "relevance") == set()


def test_the_candidate_function_itself_returns_only_the_callers_ids(
    test_db, alice, bob, alice_tasks, secrets
):
    """Defence in depth: the page functions filter by owner again, but the candidates alone
    must already be the caller's, whatever keys the index holds."""
    mine = alice_tasks.create(TaskDraft(title="lawyer secret"))
    with test_db.superuser() as su:
        su.execute(
            "UPDATE public.tasks b SET search_words = a.search_words, search_grams = a.search_grams "
            "FROM public.tasks a WHERE a.user_id = %s AND b.user_id <> a.user_id",
            (alice.account.id,),
        )
        su.execute("SET ROLE todo_api_owner")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        for words, grams in (("to_tsquery('simple', 'lawyer')", "NULL"), ("NULL", "ARRAY['law', 'sec']")):
            call = f"SELECT (todo_api.search_candidates({words}, {grams}, 100)).ids"
            found = su.execute(call).fetchone()[0]
            assert found == [mine.id]
        # The ranking's queries reach the caller's words: the function tags them itself.
        ranked = "SELECT c.ids, c.tiers FROM todo_api.search_candidates(NULL, ARRAY['law'], 100, %s, %s) c"
        assert su.execute(ranked, ("lawyer:*A", "lawyer:*")).fetchone() == ([mine.id], [2])
        # The top of the candidates, in every order, is the caller's alone too.
        for sort in ("created", "due", "title", "relevance"):
            top = (
                "SELECT ids, total FROM todo_api.search_top(NULL, ARRAY['law', 'sec'], %s, 10, 100, NULL,"
                " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'lawyer:*A', 'lawyer:*')"
            )
            assert su.execute(top, (sort,)).fetchone() == ([mine.id], 1), sort


def test_the_titles_words_give_only_the_callers_ids(test_db, alice, alice_tasks, secrets):
    """Best match first reads an index of every person's title words; what it returns is the
    caller's alone, though Bob's titles hold the same word."""
    mine = alice_tasks.create(TaskDraft(title="Lawyer, secret"))
    with test_db.superuser() as su:
        su.execute("SET ROLE todo_api_owner")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        for typed in (["lawyer"], ["Law"], ["law", "secr"], ["lawye", "lawyer"]):
            found = su.execute("SELECT todo_api.search_title_top(%s, 10)", (typed,)).fetchone()[0]
            assert found == [mine.id], typed
        su.execute("SELECT set_config('todo.session_token', '', false)")
        assert su.execute("SELECT todo_api.search_title_top(ARRAY['lawyer'], 10)").fetchone()[0] is None
