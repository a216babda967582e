"""The bench dataset, built through the project's own commands and actions.

Each step is a function ``(sizes)`` registered with ``@dataset_step(order=..., label=...)``;
``build`` runs them in order. ``sizes`` holds the run's ``--size`` (``records``: each step decides
what it means for its records, N officials; later N dossiers, documents ...) and the sizes of the
steps with an option of their own (``audit_events``). To add records for a new scenario, add a step
here, made through the owning app's actions like ``seed_demo`` does, so the data obeys the same
rules as real data. A step that only some scenarios need names them in ``needed_by`` and is
skipped when none of them runs. Steps are idempotent: a step run on a database that already holds
its records (a reused PostgreSQL database) only adds what is missing.
"""

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.core.management import call_command
from django.test import override_settings

from .figures import note


@dataclass(frozen=True)
class Sizes:
    records: int  # --size
    audit_events: int  # --audit-events: events in the audit trail, in all
    dossiers: int = 0  # --dossiers: bulk dossiers (bench/dossier_bulk.py), in all


@dataclass(frozen=True)
class DatasetStep:
    name: str
    label: str
    order: int
    run: Callable[[Sizes], None]
    needed_by: tuple[str, ...]  # scenarios that need the step; empty: every run


_steps: dict[str, DatasetStep] = {}


def dataset_step(*, order: int, label: str, needed_by: tuple[str, ...] = ()):
    def decorator(func: Callable[[Sizes], None]) -> Callable[[Sizes], None]:
        _steps[func.__name__] = DatasetStep(name=func.__name__, label=label, order=order, run=func, needed_by=needed_by)
        return func

    return decorator


def build(sizes: Sizes, *, scenarios: Collection[str]) -> None:
    """Run the steps in order, less those needed only by scenarios that do not run."""
    for step in sorted(_steps.values(), key=lambda s: (s.order, s.name)):
        if step.needed_by and not set(step.needed_by) & set(scenarios):
            continue
        started = time.perf_counter()
        step.run(sizes)
        note(f"dữ liệu: {step.label} ({time.perf_counter() - started:.1f} s)")


@dataset_step(order=0, label="dữ liệu mẫu (seed_demo)")
def demo_data(sizes: Sizes) -> None:
    call_command("seed_demo", verbosity=0)


BENCH_OFFICIAL_PASSWORD = "Bench@HaTinh2026"  # noqa: S105
BENCH_OFFICIAL_PREFIX = "bench.canbo."


@dataset_step(order=10, label="cán bộ (official_create × size)")
def officials(sizes: Sizes) -> None:
    from apps.accounts.actions import official_create
    from apps.accounts.models import User
    from apps.accounts.roles import Role
    from apps.organizations.selectors import agencies_valid_on

    roles = list(Role.values)
    # Posts spread over today's agencies and units in a fixed order, so official N works in the
    # same agency in every run on the same demo data.
    agencies = list(agencies_valid_on().order_by("pk"))
    existing = set(User.objects.filter(username__startswith=BENCH_OFFICIAL_PREFIX).values_list("username", flat=True))
    # PBKDF2 spends ~0.3 s per password by design; with it the dataset build would outlast the
    # measurements. These accounts' passwords are not what is measured: a scenario that times a
    # real sign-in uses the demo accounts, whose hashes are Django's default.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for index in range(sizes.records):
            username = f"{BENCH_OFFICIAL_PREFIX}{index:05d}"
            if username in existing:
                continue
            official_create(
                username=username,
                full_name=f"Cán bộ thử tải {index:05d}",
                email=f"{username}@bench.egov.localhost",
                password=BENCH_OFFICIAL_PASSWORD,
                agency=agencies[index % len(agencies)],
                roles=[roles[index % len(roles)]],
            )


@dataset_step(order=20, label="sự kiện nhật ký kiểm toán (--audit-events, theo lô)", needed_by=("audit.page",))
def audit_events(sizes: Sizes) -> None:
    from .audit_trail import audit_events_fill

    audit_events_fill(total=sizes.audit_events)


DOSSIER_SCENARIOS = ("dossier.lookup", "dossier.inbox", "dossier.statistics", "portal.catalogue")


@dataset_step(order=30, label="hồ sơ một cửa (--dossiers, theo lô)", needed_by=DOSSIER_SCENARIOS)
def dossiers(sizes: Sizes) -> None:
    from .dossier_bulk import dossiers_fill

    dossiers_fill(total=sizes.dossiers)
