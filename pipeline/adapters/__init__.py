"""Adapters at the edges: workbooks, SQLite, folders, mail, the watcher, ERP files."""
