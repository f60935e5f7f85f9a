"""The service layer: the workflow's use cases, written against the ports in ``ports.py``."""
