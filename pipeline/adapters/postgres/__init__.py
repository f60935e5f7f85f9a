"""The state in PostgreSQL (psycopg 3), for several daemons on one workspace: the store, its
migrations, and the coordination of passes and daemons. Imported only when a URL is set."""
