"""The ERP hand-off: import-file layouts and publishing them into the outbox."""
