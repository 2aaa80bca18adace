"""Rows are found by their places, never renumbered: the row of every task stays exact through
inserts, removals and moves anywhere, even after one gap has been filled again and again
past a float's precision."""

from __future__ import annotations

import random
import uuid

from todo_desktop.ui.tasks.row_places import RowPlaces


def check(places: RowPlaces, ids: list[uuid.UUID]) -> None:
    assert [places.row(task_id) for task_id in ids] == list(range(len(ids)))


def test_one_gap_filled_again_and_again_keeps_every_row_exact():
    ids = [uuid.uuid4() for _ in range(3)]
    places = RowPlaces()
    places.reset(ids)
    for _ in range(200):  # far more halvings than a float has bits
        fresh = uuid.uuid4()
        places.insert(2, [fresh], lambda: list(ids))
        ids.insert(2, fresh)
    check(places, ids)


def test_any_mix_of_inserts_and_removals_keeps_every_row_exact():
    rng = random.Random(5)
    ids = [uuid.uuid4() for _ in range(50)]
    places = RowPlaces()
    places.reset(ids)
    for _ in range(500):
        if rng.random() < 0.55 or not ids:
            row = rng.choice([0, len(ids), rng.randint(0, len(ids))])
            fresh = [uuid.uuid4() for _ in range(rng.randint(1, 4))]
            places.insert(row, fresh, lambda: list(ids))
            ids[row:row] = fresh
        else:
            first = rng.randrange(len(ids))
            last = min(len(ids) - 1, first + rng.randint(0, 3))
            places.remove(first, last, ids[first : last + 1])
            del ids[first : last + 1]
        check(places, ids)
    gone = uuid.uuid4()
    assert places.row(gone) is None and gone not in places
