"""Allows ``python -m pipeline``; the real entry point is :func:`pipeline.cli.main`."""

from pipeline.cli import main

if __name__ == "__main__":
    main()
