"""Backups of the local database in the window: File > Back Up Now and File > Restore…"""
