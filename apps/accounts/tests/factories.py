import datetime

import factory

from apps.accounts.models import Membership, RoleAssignment, User
from apps.organizations.models import Agency
from apps.organizations.tests.factories import make_agency

PASSWORD = "Mat-khau-thu-2026"


def AgencyFactory(name: str | None = None, **kwargs) -> Agency:
    """An agency made through the organizations actions (with its dated versions)."""
    kwargs.setdefault("valid_from", datetime.date(2010, 1, 1))
    return make_agency(name, **kwargs)


def UnitFactory(parent: Agency | None = None, name: str | None = None, **kwargs) -> Agency:
    """An internal unit (phòng) of ``parent`` (a new agency by default)."""
    parent = parent or AgencyFactory()
    return AgencyFactory(
        name or f"Phòng Thử nghiệm {parent.pk}-{Agency.objects.count()}",
        kind=Agency.Kind.UNIT,
        category=Agency.Category.DIVISION,
        parent=parent,
        level=parent.level,
        **kwargs,
    )


class UserFactory(factory.django.DjangoModelFactory):
    """An official; ``roles=[...]`` gives them a current post (in ``agency=`` or a new agency)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@test.egov.localhost")
    kind = User.Kind.OFFICIAL
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted is not None:
            agency = self._agency or AgencyFactory()
            membership = Membership.objects.create(
                user=self, agency=agency, position="Chuyên viên", valid_from=datetime.date(2020, 1, 1)
            )
            for role in extracted:
                RoleAssignment.objects.create(membership=membership, role=role)
        if create:
            self.save()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        agency = kwargs.pop("agency", None)
        obj = super()._create(model_class, *args, **kwargs)
        obj._agency = agency
        return obj
