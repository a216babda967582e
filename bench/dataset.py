"""The bench dataset, built through the project's own commands and actions.

Each step is a function ``(size)`` registered with ``@dataset_step(order=..., label=...)``;
``build`` runs them in order. ``size`` is the ``--size`` of the run: each step decides what it
means for its records (N officials; later N dossiers, documents ...). To add records for a new
scenario, add a step here, made through the owning app's actions like ``seed_demo`` does, so the
data obeys the same rules as real data. Steps are idempotent: a step run on a database that
already holds its records (a reused PostgreSQL database) only adds what is missing.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command
from django.test import override_settings

from .figures import note


@dataclass(frozen=True)
class DatasetStep:
    name: str
    label: str
    order: int
    run: Callable[[int], None]


_steps: dict[str, DatasetStep] = {}


def dataset_step(*, order: int, label: str):
    def decorator(func: Callable[[int], None]) -> Callable[[int], None]:
        _steps[func.__name__] = DatasetStep(name=func.__name__, label=label, order=order, run=func)
        return func

    return decorator


def build(size: int) -> None:
    for step in sorted(_steps.values(), key=lambda s: (s.order, s.name)):
        started = time.perf_counter()
        step.run(size)
        note(f"dữ liệu: {step.label} ({time.perf_counter() - started:.1f} s)")


@dataset_step(order=0, label="dữ liệu mẫu (seed_demo)")
def demo_data(size: int) -> None:
    call_command("seed_demo", verbosity=0)


BENCH_OFFICIAL_PASSWORD = "Bench@HaTinh2026"  # noqa: S105
BENCH_OFFICIAL_PREFIX = "bench.canbo."


@dataset_step(order=10, label="cán bộ (official_create × size)")
def officials(size: int) -> None:
    from apps.accounts.actions import official_create
    from apps.accounts.models import User
    from apps.accounts.roles import Role

    roles = list(Role.values)
    existing = set(User.objects.filter(username__startswith=BENCH_OFFICIAL_PREFIX).values_list("username", flat=True))
    # PBKDF2 spends ~0.3 s per password by design; with it the dataset build would outlast the
    # measurements. These accounts' passwords are not what is measured: a scenario that times a
    # real sign-in uses the demo accounts, whose hashes are Django's default.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for index in range(size):
            username = f"{BENCH_OFFICIAL_PREFIX}{index:05d}"
            if username in existing:
                continue
            official_create(
                username=username,
                full_name=f"Cán bộ thử tải {index:05d}",
                email=f"{username}@bench.egov.localhost",
                password=BENCH_OFFICIAL_PASSWORD,
                roles=[roles[index % len(roles)]],
            )
