"""Registry of demo-data steps that ``seed_demo`` and the demo rebuild task run in order.

Each app adds its steps in a ``demo.py`` module with ``@demo_step(order=...)``. A step must be
idempotent (running it twice changes nothing the second time) and should make its records
through the app's own actions, so demo data obeys the same rules as real data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.utils.module_loading import autodiscover_modules


class Progress(Protocol):
    def __call__(self, message: str) -> None: ...


@dataclass(frozen=True)
class DemoStep:
    name: str
    label: str
    order: int
    run: Callable[[Progress], None]


_steps: dict[str, DemoStep] = {}


def demo_step(*, order: int, label: str):
    def decorator(func: Callable[[Progress], None]) -> Callable[[Progress], None]:
        name = f"{func.__module__}.{func.__qualname__}"
        _steps[name] = DemoStep(name=name, label=label, order=order, run=func)
        return func

    return decorator


def demo_steps() -> list[DemoStep]:
    autodiscover_modules("demo")
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, username, password) of the demo accounts, for ``make run`` to print."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    provider = getattr(settings, "DEMO_LOGINS_PROVIDER", "apps.accounts.demo.demo_logins")
    return import_string(provider)()
