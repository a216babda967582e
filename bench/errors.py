"""The one error of the bench."""


class BenchError(Exception):
    """The bench cannot go on; the message says why, and ``python -m bench`` exits with status 1."""
