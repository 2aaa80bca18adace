"""What a person sees of tasks: the table, quick add, the details pane, edits and undo."""
