"""Benchmarks: commands that print figures. They are not tests and never fail on timing.

Run from the repository root, for example ``python -m tests.bench.data``.
"""
