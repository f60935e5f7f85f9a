"""The pure domain: budgets, their life cycle, who may act, and what changed. No I/O here."""
