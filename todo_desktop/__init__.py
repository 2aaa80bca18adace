"""Todo Desktop: a keyboard-first task manager that talks straight to PostgreSQL."""

from importlib import metadata

APP_NAME = "Todo Desktop"
APP_ID = "todo-desktop"

try:
    __version__ = metadata.version(APP_ID)
except metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"
