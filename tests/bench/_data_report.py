"""The data benchmark's operations, their timing and its report (``python -m tests.bench.data``)."""

from __future__ import annotations

import argparse
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TARGET_P99_MS = 5.0  # reads
TARGET_RATIO = 2.0  # reads
TARGET_WRITE_RATIO = 1.5  # writes: a commit waits for its fsync on both sides
Timed = Callable[[int], Callable[[], object]]


@dataclass
class Op:
    """One operation. ``layer(i)`` and ``raw(i)`` return the call to time for iteration i (any
    set-up they need runs untimed), each side on its own row where the operation writes;
    ``check()`` runs both once, untimed, and says how their answers differ."""

    name: str
    layer: Timed
    raw: Timed
    write: bool = False
    check: Callable[[], str | None] | None = None
    statements: list[tuple[str, Any]] = field(default_factory=list)  # the raw side's, for EXPLAIN


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))] * 1000


def measure(op: Op, warmup: int, iterations: int) -> tuple[list[float], list[float]]:
    layer: list[float] = []
    raw: list[float] = []
    for i in range(warmup + iterations):
        calls = {"layer": op.layer(i), "raw": op.raw(i)}
        order = ("layer", "raw") if i % 2 else ("raw", "layer")
        for side in order:
            t0 = time.perf_counter()
            calls[side]()
            seconds = time.perf_counter() - t0
            if i >= warmup:
                (layer if side == "layer" else raw).append(seconds)
    return layer, raw


def ids_differ(layer: list[uuid.UUID], raw: list[uuid.UUID]) -> str | None:
    if layer == raw:
        return None
    pairs = enumerate(zip(layer, raw, strict=False))
    first = next((k for k, (a, b) in pairs if a != b), min(len(layer), len(raw)))
    return f"{len(layer)} rows through the layer, {len(raw)} raw; they differ from row {first}"


def misses(op: Op, layer: list[float], raw: list[float]) -> list[str]:
    lp, rp = pct(layer, 0.99), pct(raw, 0.99)
    if op.write:
        return ["ratio"] if lp > TARGET_WRITE_RATIO * rp else []
    return [w for w, bad in (("p99", lp > TARGET_P99_MS), ("ratio", lp > TARGET_RATIO * rp)) if bad]


def report(
    rows: list[tuple[Op, list[float], list[float]]],
    conn_rows: list[tuple[str, list[float]]],
    args: argparse.Namespace,
) -> None:
    mode = "no prepared statements (--pooled)" if args.pooled else "psycopg auto-prepare on (default)"
    print(
        f"\n{args.iterations} timed iterations per operation after {args.warmup} warm-up; layer and "
        f"raw (direct table SQL as the owner) alternate; {mode}. Times in ms."
    )
    head = (
        f"{'operation':<30} {'layer p50':>9} {'layer p99':>9} {'raw p50':>8} {'raw p99':>8} "
        f"{'p99/p99':>7}  {'target':<22} verdict"
    )
    print(head)
    print("-" * len(head))
    for op, layer, raw in rows:
        lp, rp = pct(layer, 0.99), pct(raw, 0.99)
        target = (
            f"p99 <= {TARGET_WRITE_RATIO:g}x raw"
            if op.write
            else f"p99 <= {TARGET_P99_MS:g} ms, <= {TARGET_RATIO:g}x"
        )
        missed = misses(op, layer, raw)
        verdict = "hold" if not missed else "MISS " + "+".join(missed)
        print(
            f"{op.name:<30} {pct(layer, 0.5):9.2f} {lp:9.2f} {pct(raw, 0.5):8.2f} {rp:8.2f} "
            f"{lp / rp:6.2f}x  {target:<22} {verdict}"
        )
    print()
    for name, samples in conn_rows:
        print(f"{name:<34} p50 {pct(samples, 0.5):7.2f}  p99 {pct(samples, 0.99):7.2f}")
