import datetime

import factory

from apps.accounts.models import Membership, RoleAssignment, User
from apps.organizations.models import Agency, Level

PASSWORD = "Mat-khau-thu-2026"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = Agency.Kind.AGENCY
    category = Agency.Category.DEPARTMENT
    level = Level.PROVINCE
    valid_from = datetime.date(2010, 1, 1)


class UnitFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Phòng Thử nghiệm {n}")
    kind = Agency.Kind.UNIT
    category = Agency.Category.DIVISION
    parent = factory.SubFactory(AgencyFactory)


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
