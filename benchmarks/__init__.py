"""Benchmarks: the pipeline against the naive script and the libraries' limit, in one run."""
