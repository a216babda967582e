"""Factories for the organizations tests; agencies are made through the actions like real data."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from apps.organizations.actions import agency_create
from apps.organizations.models import AdministrativeUnit, Agency, Level

PASSWORD = "Mat-khau-thu-2026"


class OfficialFactory(factory.django.DjangoModelFactory):
    """A signed-in official (through the user model, so this app does not import accounts)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"coquan{n}")
    full_name = factory.Sequence(lambda n: f"Trần Thị Thử {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@test.egov.localhost")
    kind = "official"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{900 + n}")
    name = factory.Sequence(lambda n: f"Huyện Thử {n}")
    division_type = AdministrativeUnit.DivisionType.RURAL_DISTRICT
    level = Level.DISTRICT
    valid_from = date(2017, 1, 1)
    valid_to = None
    source = "test"


_sequence = iter(range(1, 10_000))


def make_agency(
    name: str | None = None,
    *,
    valid_from: date = date(2017, 1, 1),
    category: str = Agency.Category.DEPARTMENT,
    level: int = Level.PROVINCE,
    actor=None,
    **kwargs,
) -> Agency:
    """An agency recorded through ``agency_create``."""
    return agency_create(
        actor=actor,
        name=name or f"Sở Thử Nghiệm {next(_sequence)}",
        category=category,
        level=level,
        valid_from=valid_from,
        **kwargs,
    )
