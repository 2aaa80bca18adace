"""Tags: the sidebar's tag section, filtering by a tag, renaming, merging and deleting tags
with undo, and completing ``#tags`` as one types."""
