from datetime import date, datetime
from decimal import Decimal

import pytest

from apps.accounts.roles import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.core.working_days import VN_TZ
from apps.procedures.actions import (
    procedure_activate,
    procedure_deactivate,
    procedure_version_mark_in_use,
    procedure_version_publish,
    procedure_version_update,
)
from apps.procedures.errors import ProceduresError, ProceduresErrorCode
from apps.procedures.models import ClockRule, DocumentRequirement, ProcedureVersion
from apps.procedures.selectors import clock_rule_for, procedure_version_in_force
from apps.procedures.specs import DocumentSpec, FeeSpec

from .factories import START, ProcedureFactory, version_spec

pytestmark = pytest.mark.django_db

NEW_RULES = date(2026, 1, 1)


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.SYSADMIN])


def test_create_records_the_first_version_with_its_parts_and_an_audit_event(admin):
    procedure = ProcedureFactory("Cấp giấy phép xây dựng nhà ở riêng lẻ", actor=admin)

    version = procedure.versions.get()
    assert (version.number, version.valid_from, version.valid_to, version.in_use) == (1, START, None, False)
    assert procedure.name_folded == "cap giay phep xay dung nha o rieng le"
    assert [d.name for d in version.documents.all()] == ["Tờ khai"]
    assert [f.amount for f in version.fees.all()] == [75000]
    assert sorted(version.clock_rules.values_list("event", flat=True)) == sorted(ClockRule.Event.values)
    assert AuditEvent.objects.filter(action="procedures.procedure_create", target_uuid=procedure.uuid).exists()


def test_publishing_ends_the_previous_version_the_day_before(admin):
    procedure = ProcedureFactory()
    spec = version_spec(10, fees=[FeeSpec(name="Lệ phí", amount=100000)], change_note="Tăng lệ phí")

    new = procedure_version_publish(actor=admin, procedure=procedure, valid_from=NEW_RULES, version=spec)

    old = procedure.versions.get(number=1)
    assert old.valid_to == date(2025, 12, 31)
    assert (new.number, new.valid_from, new.valid_to, new.deadline_value) == (2, NEW_RULES, None, Decimal(10))
    assert AuditEvent.objects.filter(action="procedures.version_publish", target_uuid=new.uuid).exists()


def test_a_dossier_style_reference_stays_on_the_version_it_was_received_under(admin):
    # Given a dossier received in 2025 keeps the version in force then (as the dossiers app will)
    procedure = ProcedureFactory()
    received_at = datetime(2025, 12, 31, 16, 0, tzinfo=VN_TZ)
    kept = procedure_version_in_force(procedure, received_at)
    procedure_version_mark_in_use(actor=admin, version=kept)

    # When the rules change from 2026
    procedure_version_publish(
        actor=admin,
        procedure=procedure,
        valid_from=NEW_RULES,
        version=version_spec(10, documents=[DocumentSpec(name="Tờ khai mới", originals=2)]),
    )

    # Then the dossier's version is unchanged and a 2026 dossier gets the new one
    kept.refresh_from_db()
    assert kept.number == 1
    assert kept.deadline_value == Decimal(5)
    assert [d.name for d in kept.documents.all()] == ["Tờ khai"]
    assert procedure_version_in_force(procedure, datetime(2026, 1, 2, 9, 0, tzinfo=VN_TZ)).number == 2


def test_a_version_in_use_cannot_be_corrected(admin):
    procedure = ProcedureFactory()
    version = procedure.versions.get()
    procedure_version_mark_in_use(actor=admin, version=version)

    with pytest.raises(ProceduresError) as refused:
        procedure_version_update(actor=admin, version=version, spec=version_spec(20))

    assert refused.value.code == ProceduresErrorCode.VERSION_IN_USE
    assert "hãy ban hành phiên bản mới" in refused.value.message
    version.refresh_from_db()
    assert version.deadline_value == Decimal(5)
    assert DocumentRequirement.objects.filter(version=version).count() == 1


def test_an_unused_version_can_be_corrected_in_place(admin):
    procedure = ProcedureFactory()
    version = procedure.versions.get()

    procedure_version_update(
        actor=admin, version=version, spec=version_spec(7, documents=[DocumentSpec(name="Đơn", copies=2)])
    )

    version.refresh_from_db()
    assert (version.number, version.deadline_value) == (1, Decimal(7))
    assert [(d.order, d.name, d.copies) for d in version.documents.all()] == [(1, "Đơn", 2)]
    assert AuditEvent.objects.filter(action="procedures.version_update").count() == 1


def test_marking_in_use_is_idempotent_and_audited_once(admin):
    version = ProcedureFactory().versions.get()

    procedure_version_mark_in_use(actor=admin, version=version)
    procedure_version_mark_in_use(actor=admin, version=version)

    assert ProcedureVersion.objects.get(pk=version.pk).in_use
    assert AuditEvent.objects.filter(action="procedures.version_in_use").count() == 1


@pytest.mark.parametrize(
    "valid_from", [pytest.param(START, id="same-day"), pytest.param(date(2025, 1, 1), id="earlier")]
)
def test_a_new_version_must_start_after_the_latest(admin, valid_from):
    procedure = ProcedureFactory()

    with pytest.raises(ProceduresError) as refused:
        procedure_version_publish(actor=admin, procedure=procedure, valid_from=valid_from, version=version_spec())

    assert refused.value.code == ProceduresErrorCode.VERSION_NOT_AFTER_LATEST
    assert "phải có hiệu lực sau ngày 01/07/2025" in refused.value.message
    assert procedure.versions.count() == 1


def test_a_bad_new_version_leaves_the_previous_one_in_force(admin):
    procedure = ProcedureFactory()

    with pytest.raises(ProceduresError):
        procedure_version_publish(actor=admin, procedure=procedure, valid_from=NEW_RULES, version=version_spec(1))

    assert procedure.versions.get().valid_to is None


def test_deactivate_and_activate(admin):
    procedure = ProcedureFactory()

    procedure_deactivate(actor=admin, procedure=procedure)
    with pytest.raises(ProceduresError) as refused:
        procedure_deactivate(actor=admin, procedure=procedure)
    procedure_activate(actor=admin, procedure=procedure)

    procedure.refresh_from_db()
    assert procedure.is_active
    assert refused.value.code == ProceduresErrorCode.ALREADY_INACTIVE
    assert (
        AuditEvent.objects.filter(
            action__in=["procedures.procedure_deactivate", "procedures.procedure_activate"]
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("event", "days", "effect"),
    [
        pytest.param("supplement_request", 3, "restart", id="supplement-within-3-days-restarts"),
        pytest.param("supplement_request", Decimal("3.5"), "pause", id="supplement-later-pauses"),
        pytest.param("financial_obligation", 1, "pause", id="financial-obligation-pauses"),
        pytest.param("later_supplement", 10, "pause", id="later-supplement-pauses"),
    ],
)
def test_default_clock_rules(event, days, effect):
    version = ProcedureFactory().versions.get()

    assert clock_rule_for(version, event).effect_at(days) == effect
