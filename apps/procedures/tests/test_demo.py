from decimal import Decimal

import pytest

from apps.audit.models import AuditEvent
from apps.organizations.demo import demo_hatinh_2017, demo_hatinh_2025
from apps.organizations.models import Agency, Level
from apps.procedures.demo import demo_procedures
from apps.procedures.models import DeadlineUnit, FeeItem, Procedure, ProcedureVersion, RoutingStep
from apps.procedures.selectors import procedures_for_agency, routing_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def hatinh():
    demo_hatinh_2017(lambda message: None)
    demo_hatinh_2025(lambda message: None)


def test_demo_catalogue_is_made_once(hatinh):
    demo_procedures(lambda message: None)
    counts = (Procedure.objects.count(), ProcedureVersion.objects.count(), RoutingStep.objects.count())
    events = AuditEvent.objects.count()

    demo_procedures(lambda message: None)

    assert (Procedure.objects.count(), ProcedureVersion.objects.count(), RoutingStep.objects.count()) == counts
    assert AuditEvent.objects.count() == events
    assert Procedure.objects.filter(level=Level.COMMUNE).count() >= 12
    assert Procedure.objects.filter(level=Level.PROVINCE).count() >= 12


def test_demo_has_inter_agency_procedures_hour_deadlines_and_free_and_paid_fees(hatinh):
    demo_procedures(lambda message: None)

    permit = Procedure.objects.get(name="Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV")
    version = permit.versions.get()
    centre = Agency.objects.get(name="Trung tâm Hành chính công tỉnh")
    parallel = [group for group in routing_plan(version, centre) if group.is_parallel]
    assert [[s.agency.name for s in group.steps] for group in parallel] == [
        ["Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "UBND phường Thành Sen"]
    ]
    assert permit.competent_agency.name == "Sở Xây dựng"
    certify = Procedure.objects.get(name="Chứng thực bản sao từ bản chính giấy tờ, văn bản").versions.get()
    assert (certify.deadline_value, certify.deadline_unit) == (Decimal(4), DeadlineUnit.WORKING_HOURS)
    assert FeeItem.objects.filter(amount=0).exists()
    assert FeeItem.objects.filter(amount=200000, version__procedure__competent_agency__name="Sở Tư pháp").exists()


def test_a_commune_takes_in_the_commune_procedures_and_the_centre_the_province_ones(hatinh):
    demo_procedures(lambda message: None)
    commune = Agency.objects.get(name="UBND phường Thành Sen")
    centre = Agency.objects.get(name="Trung tâm Hành chính công tỉnh")

    assert set(procedures_for_agency(commune)) == set(Procedure.objects.filter(level=Level.COMMUNE))
    assert set(procedures_for_agency(centre)) == set(Procedure.objects.filter(level=Level.PROVINCE, is_active=True))
