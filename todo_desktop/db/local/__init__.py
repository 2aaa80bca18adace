"""The embedded PostgreSQL server: its data folder, start and upgrade, and the local account."""
