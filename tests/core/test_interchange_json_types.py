"""JSON fields of the wrong type (a list for a priority, a number for tags, text for a flag):
one sentence for that record, never a crash, never a value read wrong without a word."""

from __future__ import annotations

import json
import uuid

from todo_desktop.core import interchange


def _native(*tasks: object) -> interchange.ImportResult:
    return interchange.read(json.dumps({"format": "todo-desktop", "version": 1, "tasks": list(tasks)}))


def _warnings(result: interchange.ImportResult) -> list[str]:
    return [p.sentence for p in result.warnings]


def test_native_fields_of_the_wrong_type_are_named_by_record():
    result = _native(
        {"title": "a", "priority": ["high"]},
        {"title": "b", "priority": {"level": "high"}},
        {"title": "c", "priority": 5},
        {"title": "d", "tags": "home"},
        {"title": "e", "tags": ["home", 5, None]},
        {"title": "f", "description": ["x"]},
        {"title": "g", "repeat": 5},
        {"title": 7},
        {"title": "i", "completed": "maybe"},
    )
    assert [row.title for row in result.rows] == ["a", "b", "c", "d", "e", "f", "g", "i"]
    assert all(row.priority.value == "medium" and not row.completed for row in result.rows)
    assert [row.tags for row in result.rows][3:5] == [(), ("home",)]
    assert (result.rows[5].description, result.rows[6].repeat) == (None, None)
    assert [p.sentence for p in result.skipped] == ["record 8 has a title that is not text"]
    assert _warnings(result) == [
        'record 1 has the priority “["high"]”, which is not known; read as medium',
        'record 2 has the priority “{"level": "high"}”, which is not known; read as medium',
        "record 3 has the priority “5”, which is not known; read as medium",
        "record 4 has tags “home” that are not a list of names; they were left out",
        "record 5 has the tag “5”, which is not text; it was left out",
        "record 5 has the tag “null”, which is not text; it was left out",
        'record 6 has a description “["x"]” that is not text; it was left out',
        "record 7 has a repeat “5” that is not text; it was left out",
        "record 9 has “maybe” for completed, which is not true or false; read as open",
    ]


def test_native_flags_written_as_text_are_read_as_meant():
    result = _native(
        {"title": "a", "completed": "true"},
        {"title": "b", "completed": "false"},
        {"title": "c", "completed": True, "repeat": "FREQ=DAILY", "repeat_after_completion": "TRUE"},
    )
    assert [(row.completed, row.repeat_after_completion) for row in result.rows] == [
        (True, False),
        (False, False),
        (True, True),
    ]
    assert result.warnings == ()


def test_a_priority_spelled_with_capitals_is_the_same_priority():
    result = _native({"title": "a", "priority": "High"}, {"title": "b", "priority": " URGENT "})
    assert [row.priority.value for row in result.rows] == ["high", "urgent"]
    assert result.warnings == ()


def _taskwarrior(*records: dict[str, object]) -> interchange.ImportResult:
    for record in records:
        record.setdefault("uuid", str(uuid.uuid4()))
        record.setdefault("status", "pending")
    return interchange.read(json.dumps(list(records)))


def test_taskwarrior_fields_of_the_wrong_type_are_named_by_record():
    result = _taskwarrior(
        {"description": "a", "tags": 5},
        {"description": "b", "tags": "home"},
        {"description": "c", "tags": ["home", ["x"]]},
        {"description": 5},
        {"description": "e", "project": ["x"]},
        {"description": "f", "recur": 7, "due": "20300101T000000Z"},
        {"description": "g", "annotations": "note"},
        {"description": "h", "priority": ["H"]},
    )
    assert [row.title for row in result.rows] == ["a", "b", "c", "e", "f", "g", "h"]
    assert [row.tags for row in result.rows][:4] == [(), (), ("home",), ()]
    assert [p.sentence for p in result.skipped] == ["record 4 has a description that is not text"]
    assert _warnings(result) == [
        "record 1 has tags “5” that are not a list of names; they were left out",
        "record 2 has tags “home” that are not a list of names; they were left out",
        'record 3 has the tag “["x"]”, which is not text; it was left out',
        'record 5 has a project “["x"]” that is not text; it was left out',
        "record 6 repeats “7”, which this app cannot; imported without repeat",
        "record 7 has annotations “note” that are not a list of notes; they were left out",
        'record 8 has the priority “["H"]”, which is not H, M or L; read as medium',
    ]
