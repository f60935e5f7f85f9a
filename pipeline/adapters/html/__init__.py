"""Web pages people open from the shared folder: the status page."""
