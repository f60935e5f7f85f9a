"""Helpers the tests share: fakes of the ports, workbooks, workspaces."""
