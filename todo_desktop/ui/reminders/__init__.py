"""Reminders reaching the person: the desktop's notifications, the tray icon, and the desk
that asks the database what is due."""
