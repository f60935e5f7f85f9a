"""The state in SQLite: the store, its migrations, and the query groups, whose SQL the
PostgreSQL store (``adapters/postgres``) runs too."""
