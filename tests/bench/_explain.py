"""EXPLAIN ANALYZE of the raw SQL of the data benchmark's slow operations, as the owner and
rolled back, with the plan psycopg runs first and the generic plan a prepared statement or a
PL/pgSQL function may switch to."""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg import sql


def _numbered(statement: str) -> tuple[str, list[str]]:
    """psycopg's ``%(name)s`` placeholders as ``$n``, for PREPARE."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    return re.sub(r"%\((\w+)\)s", number, statement).replace("%%", "%"), names


def _print_plan(label: str, plan: list[tuple[str]]) -> None:
    print(f"     [{label}]")
    print("\n".join(f"     {line}" for (line,) in plan))


def explain(conn: psycopg.Connection, name: str, statements: list[tuple[str, Any]]) -> None:
    """EXPLAIN ANALYZE each statement twice, as the owner, rolled back, on ``conn`` in
    autocommit: the custom plan (what runs before psycopg prepares a statement, and what
    ``tasks_page`` and ``changed_since`` always get: they plan each call with its values) and
    the generic plan (what a prepared statement, or a static statement of a PL/pgSQL function,
    may switch to after five runs)."""
    for statement, params in statements:
        print(f"\n  -- {name}: {' '.join(statement.split())[:240]}")
        with conn.transaction(force_rollback=True):
            plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).fetchall()  # type: ignore[operator]
        _print_plan("custom plan", plan)
        numbered, names = _numbered(statement)
        conn.execute(sql.SQL("PREPARE bench_explain AS {}").format(sql.SQL(numbered)))  # type: ignore[arg-type]
        try:
            with conn.transaction(force_rollback=True):
                conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
                args = sql.SQL("({})").format(sql.SQL(", ").join(sql.Literal(params[n]) for n in names))
                plan = conn.execute(
                    sql.SQL("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_explain {}").format(
                        args if names else sql.SQL("")
                    )
                ).fetchall()
        finally:
            conn.execute("DEALLOCATE bench_explain")  # a prepared statement outlives a rollback
        _print_plan("generic plan", plan)
