"""Workspaces and accounts: sign-in, connection profiles, switching workspace."""
