"""Real concurrent transactions for the concurrency tests (PostgreSQL row locks, SQLite's writer lock)."""

import threading

from django.db import connection


def at_once(*calls):
    """Run each call in its own thread, released together; return (results, errors) by call."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list = [None] * len(calls)
    errors: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as error:  # reported to the main thread, which checks it
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors
