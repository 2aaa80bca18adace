"""The Qt GUI. It reaches the data layer only through the protocols in ``todo_desktop.core.ports``."""
