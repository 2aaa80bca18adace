"""Headless commands: the self-check and the admin steps for a shared database."""
