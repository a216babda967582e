"""Registry of bench scenarios: each module of this package registers its own with ``@scenario``.

A scenario is a generator ``(run: Run) -> Iterator[Figure]``; it yields each figure as soon as it
is measured, and the bench prints it at once. Name figures ``<scenario>.<subject>.<measure>`` and
measure every subject against a baseline of the same run: ``<scenario>.<subject>.ratio_vs_bare``,
unit ``x``, is always the subject's throughput over the baseline's (0.25 = a quarter as fast).
"""

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..figures import Figure
from ..run import Run

ScenarioFunc = Callable[[Run], Iterator[Figure]]


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    order: int
    run: ScenarioFunc


_scenarios: dict[str, Scenario] = {}


def scenario(name: str, *, label: str, order: int):
    def decorator(func: ScenarioFunc) -> ScenarioFunc:
        if name in _scenarios:
            raise ValueError(f"bench scenario {name!r} registered twice")
        _scenarios[name] = Scenario(name=name, label=label, order=order, run=func)
        return func

    return decorator


def all_scenarios() -> list[Scenario]:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return sorted(_scenarios.values(), key=lambda s: (s.order, s.name))
