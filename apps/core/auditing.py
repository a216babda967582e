"""Core's door to the audit trail.

Core sits below the audit app, so it cannot import it; the audit app registers its recorder here
when it starts, and core's actions call ``record`` exactly as other apps call
``apps.audit.actions.audit_record`` (same arguments, same transaction).
"""

from collections.abc import Callable

_recorder: Callable | None = None


def set_recorder(recorder: Callable) -> None:
    global _recorder
    _recorder = recorder


def record(**kwargs):
    if _recorder is None:
        raise RuntimeError("The audit app is not installed: state changes cannot be recorded.")
    return _recorder(**kwargs)
