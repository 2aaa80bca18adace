"""The frame around the work: banner, status bar, theme, icons, palette and dialogs of help."""
