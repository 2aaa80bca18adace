"""Shared databases (PostgreSQL, Neon) named by the connection profiles."""
