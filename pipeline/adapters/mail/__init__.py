"""Email: rendering the templates and delivering the messages."""
