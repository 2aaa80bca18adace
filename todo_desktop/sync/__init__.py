"""The optimistic-write core: the outbox of edits not yet confirmed, its file, and the
versions the database last confirmed. No Qt and no SQL."""
