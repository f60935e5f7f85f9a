"""Checking a budget against the company's rules and the ERP's lists (pandera)."""
