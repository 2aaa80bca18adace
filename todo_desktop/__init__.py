"""Todo Desktop: a keyboard-first task manager that talks straight to PostgreSQL."""

APP_NAME = "Todo Desktop"
APP_ID = "todo-desktop"
# The one place the version is written (pyproject.toml reads it from here): asking the
# installed package's metadata instead costs a noticeable part of the start.
__version__ = "0.1.0"
