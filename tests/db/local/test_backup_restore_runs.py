"""How long the copies made before each restore are kept, for a person who restores again and
again looking for the right backup: the copy of their database from before the first restore
of such a run is never pruned while the run goes on, nor is the undo of the last one, and a
loop of restores still cannot fill the disk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from todo_desktop.db.local.backup_policy import KEEP_BEFORE_RESTORE, list_backups, prune

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def _before_restore(folder: Path, stamp: datetime) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"todo-{stamp.strftime('%Y%m%dT%H%M%SZ')}-before-restore.dump"
    path.write_bytes(b"x")
    return path


def _left(folder: Path) -> set[Path]:
    return {b.path for b in list_backups(folder)}


def test_many_restores_in_a_week_keep_the_copy_from_before_the_first(tmp_path: Path) -> None:
    # Fifteen restores one evening, each a few minutes after the last.
    run = [_before_restore(tmp_path, NOW - timedelta(days=2) + timedelta(minutes=5 * i)) for i in range(15)]
    prune(tmp_path, NOW)
    assert _left(tmp_path) == set(run)  # every one from the last week, the first included


def test_a_run_that_began_over_a_week_ago_keeps_its_first_copy_while_it_goes_on(tmp_path: Path) -> None:
    # One restore every half day for nine days: the first copy holds the data from before them all.
    run = [_before_restore(tmp_path, NOW - timedelta(days=9) + timedelta(hours=12 * i)) for i in range(19)]
    prune(tmp_path, NOW)
    left = _left(tmp_path)
    assert run[0] in left and run[-1] in left
    assert left == {run[0], *run[5:]}  # the first, and each less than a week older than the newest


def test_a_loop_of_restores_is_bounded_and_keeps_the_first_and_the_newest(tmp_path: Path) -> None:
    run = [_before_restore(tmp_path, NOW - timedelta(hours=10) + timedelta(minutes=i)) for i in range(300)]
    prune(tmp_path, NOW)
    left = _left(tmp_path)
    assert len(left) == KEEP_BEFORE_RESTORE
    assert run[0] in left and run[-1] in left
    assert left - {run[0]} == set(run[-(KEEP_BEFORE_RESTORE - 1) :])  # then the newest


def test_the_first_copy_of_each_run_in_the_week_outlasts_the_middle_of_a_long_one(tmp_path: Path) -> None:
    firsts = []
    for day in (5, 3, 1):  # three evenings of restores, many each
        run = [
            _before_restore(tmp_path, NOW - timedelta(days=day) + timedelta(minutes=3 * i)) for i in range(40)
        ]
        firsts.append(run[0])
    prune(tmp_path, NOW)
    left = _left(tmp_path)
    assert len(left) == KEEP_BEFORE_RESTORE and set(firsts) <= left
    assert run[-1] in left


def test_copies_from_runs_that_ended_over_a_week_ago_go(tmp_path: Path) -> None:
    old = [_before_restore(tmp_path, NOW - timedelta(days=9) + timedelta(minutes=i)) for i in range(5)]
    newer = _before_restore(tmp_path, NOW)
    prune(tmp_path, NOW)
    assert _left(tmp_path) == {newer} and not set(old) & _left(tmp_path)
