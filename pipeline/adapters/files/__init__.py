"""The workspace's folders: listings, atomic writes, temporaries, names, owners, the watcher."""
