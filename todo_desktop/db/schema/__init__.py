"""The schema: table models, the migration runner and its lock."""
