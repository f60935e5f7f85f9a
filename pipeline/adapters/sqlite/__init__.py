"""The state in SQLite: the store, its migrations, online backups and what its errors mean.
The query groups it runs are ``adapters/sql``'s, shared with PostgreSQL."""
