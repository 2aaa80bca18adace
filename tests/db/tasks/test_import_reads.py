"""An import's batch costs the same however many tasks the person already has.

import_tasks answers which of a batch's ids another account holds: the ids that are not the
caller's after the insert. Offered ``x.user_id = me`` there, the planner (its statistics taken
while the list was short, as they are during a first import into a new database) read the
person's whole list from one of their indexes and compared every id of the batch with every
row: 100 million comparisons a batch by the end of a first import of 100,000 tasks, which
took 90 s instead of 8. The ids must be found by the primary key, one lookup each.
"""

from __future__ import annotations

import uuid

from psycopg.types.json import Json

from tests.db.security.test_import_attacks import batch

BATCH = 500
LIST = 20_000  # the person's tasks already there
CALLS = 7  # past the five custom plans: the statements' generic plans are in use


def _new_tasks() -> Json:
    """A batch of BATCH tasks no one has yet."""
    return batch([uuid.uuid4() for _ in range(BATCH)], [f"imported {i}" for i in range(BATCH)])


def _index_entries_read(su) -> int:
    """Index entries and table rows every scan of public.tasks has read so far."""
    su.execute("SELECT pg_stat_force_next_flush()")
    su.commit()
    su.execute("SELECT pg_stat_clear_snapshot()")
    row = su.execute(
        "SELECT (SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = 'tasks')"
        " + (SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables WHERE relname = 'tasks')"
    ).fetchone()
    su.commit()
    return int(row[0])


def test_an_import_batch_finds_its_ids_by_key_however_long_the_list(test_db, alice):
    with test_db.superuser() as su:
        # The list grows as an import makes it; statistics are not taken meanwhile.
        su.execute("ALTER TABLE public.tasks SET (autovacuum_enabled = false)")
        su.execute("SET todo.search_later = 'on'")
        su.execute(
            "INSERT INTO public.tasks (id, user_id, title) "
            "SELECT gen_random_uuid(), %s, 'task ' || i FROM generate_series(1, %s) i",
            (alice.account.id, LIST),
        )
        su.commit()
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        read = []
        for _ in range(CALLS):
            before = _index_entries_read(su)
            added, taken = su.execute(
                "SELECT added, taken FROM todo_api.import_tasks(%s)", (_new_tasks(),)
            ).fetchone()
            su.commit()
            assert (added, taken) == (BATCH, [])
            read.append(_index_entries_read(su) - before)
    # About one entry for each id's lookups (none there before the insert, one after); the
    # whole list would be LIST entries and more.
    assert max(read[-2:]) < 4 * BATCH, read
