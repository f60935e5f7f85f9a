"""The state in SQLite: the store, its query groups and its migrations."""
