"""Where each task of a long list is, kept so no edit renumbers every row.

Each task has a place: a number that sorts as its row does, kept in a list beside the rows.
A row is found by bisection; inserting, removing or moving rows only adds or drops places.
Renumbering 100,000 rows (hashing 100,000 ids) took tens of milliseconds and froze the window.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left
from collections.abc import Callable, Sequence


class RowPlaces:
    def __init__(self) -> None:
        self._place: dict[uuid.UUID, float] = {}
        self._places: list[float] = []  # ascending, one per row

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._place

    def ids(self) -> set[uuid.UUID]:
        return set(self._place)

    def reset(self, ids: Sequence[uuid.UUID]) -> None:
        self._places = [float(row) for row in range(len(ids))]
        self._place = dict(zip(ids, self._places, strict=True))

    def row(self, task_id: uuid.UUID) -> int | None:
        place = self._place.get(task_id)
        return None if place is None else bisect_left(self._places, place)

    def insert(self, row: int, ids: Sequence[uuid.UUID], every_id: Callable[[], list[uuid.UUID]]) -> None:
        """``ids`` at ``row``; ``every_id`` gives every row's id, in case all are renumbered."""
        places = self._new(row, len(ids), every_id)
        self._places[row:row] = places
        self._place.update(zip(ids, places, strict=True))

    def remove(self, first: int, last: int, ids: Sequence[uuid.UUID]) -> None:
        del self._places[first : last + 1]
        for task_id in ids:
            del self._place[task_id]

    def _new(self, row: int, count: int, every_id: Callable[[], list[uuid.UUID]]) -> list[float]:
        places = self._places
        if not places or row == len(places):
            start = places[-1] + 1 if places else 0.0
        elif row == 0:
            start = places[0] - count
        else:
            low, high = places[row - 1], places[row]
            step = (high - low) / (count + 1)
            fresh = [low + step * n for n in range(1, count + 1)]
            if low < fresh[0] and fresh[-1] < high and len(set(fresh)) == count:
                return fresh
            # Halved past a float's precision (one gap filled again and again): start over.
            self.reset(every_id())
            return self._new(row, count, every_id)
        return [start + n for n in range(count)]


def runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
