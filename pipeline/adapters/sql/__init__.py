"""The state's SQL that SQLite and PostgreSQL both run: the store's query groups (``?``
placeholders, which the PostgreSQL connection translates) and the DDL both engines'
migrations share. Each engine's package holds its connection, store class and migrations."""
