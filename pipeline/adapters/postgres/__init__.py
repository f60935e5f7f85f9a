"""The state in PostgreSQL (psycopg 3), for several daemons on one workspace: the store, its
migrations, and the coordination of passes and daemons; the query groups it runs are
``adapters/sql``'s, shared with SQLite. Imported only when a URL is set."""
