"""``dossier_intake``: register and receive in one step writes what the two actions write, refuses
what either refuses and leaves nothing behind; the counters behind codes and register numbers."""

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from apps.accounts.models import AccessGrant
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UnitFactory
from apps.audit.models import AuditEvent
from apps.audit.verification import audit_chain_verify
from apps.core.errors import DomainError
from apps.core.folding import strip_marks
from apps.dossiers import actions
from apps.dossiers.actions import ApplicantInput
from apps.dossiers.codes import MAX_PER_DAY, dossier_code_draw, register_number_draw
from apps.dossiers.errors import DossierError, DossierErrorCode
from apps.dossiers.models import Dossier, DossierCodeCounter, DossierDocument, DossierEvent, DossierStep
from apps.dossiers.statuses import Channel, Status
from apps.organizations.models import Agency
from apps.procedures.actions import procedure_create, procedure_version_publish
from apps.procedures.models import DeadlineUnit, ProcedureVersion, RoutingStep
from apps.procedures.specs import DocumentSpec, ProcedureSpec, StepSpec, VersionSpec

from .conftest import building_permit_steps, full_documents

pytestmark = pytest.mark.django_db
APPLICANT = {"name": "Đặng Quốc Khánh", "phone": "0912345678", "id_number": "042090001234"}


def intake(world, **overrides):
    arguments = {
        "actor": world.desk,
        "procedure": world.procedure,
        "receiving_agency": world.department,
        "applicant": ApplicantInput(**APPLICANT),
        "channel": Channel.DESK,
        **overrides,
    }
    if "documents" not in arguments:
        arguments["documents"] = full_documents(world.procedure)
    return actions.dossier_intake(**arguments)


def department_procedure(world, code: str, name: str, steps: list):
    """A procedure of the world's department in force since 2020, one document, ten working days."""
    return procedure_create(
        actor=None,
        spec=ProcedureSpec(
            code=code,
            name=name,
            sector_code="XD",
            level=world.department.level,
            competent_category=Agency.Category.DEPARTMENT,
            competent_agency=world.department,
        ),
        version=VersionSpec(
            deadline_value=Decimal(10),
            deadline_unit=DeadlineUnit.WORKING_DAYS,
            documents=[DocumentSpec(name="Đơn đề nghị", originals=1)],
            steps=steps,
        ),
        valid_from=date(2020, 1, 1),
    )


def footprint(dossier: Dossier) -> dict:
    """What a receipt leaves in the database, without identities and moments."""
    return {
        "status": dossier.status,
        "code_day": dossier.code[:-4],
        "register_year": dossier.register_year,
        "due_at": dossier.due_at,
        "documents": sorted(DossierDocument.objects.filter(dossier=dossier).values_list("name", "paper_only")),
        "steps": list(
            DossierStep.objects.filter(dossier=dossier)
            .order_by("order", "position")
            .values_list("order", "kind", "state", "agency_id", "due_at", "timeliness")
        ),
        "events": list(
            DossierEvent.objects.filter(dossier=dossier)
            .order_by("pk")
            .values_list("transition", "from_status", "to_status", "from_step__order", "to_step__order")
        ),
        "audit": [
            (
                e.action,
                sorted(e.changes),
                e.target_label.replace(dossier.code or "", "CODE"),
                e.compute_hash() == e.hash,
            )
            for e in AuditEvent.objects.filter(target_uuid=dossier.uuid).order_by("seq")
        ],
        "grants": list(AccessGrant.objects.filter(target_uuid=dossier.uuid).values_list("grantee_id", "can_change")),
    }


@freeze_time("2026-11-16 09:00:00+07:00")
def test_intake_writes_what_register_then_receive_write(world, register):
    two_steps = actions.dossier_receive(actor=world.desk, dossier=register())
    one_step = intake(world)

    assert one_step.status == Status.RECEIVED
    assert [two_steps.code[-4:], one_step.code[-4:]] == ["0001", "0002"]
    assert one_step.register_number == two_steps.register_number + 1
    assert footprint(one_step) == footprint(two_steps)
    assert audit_chain_verify().ok  # both events chained after the others, in order


@freeze_time("2026-11-16 09:00:00+07:00")
def test_intake_missing_a_mandatory_document_leaves_nothing(world):
    before = AuditEvent.objects.count()
    with pytest.raises(DossierError, match="thiếu giấy tờ bắt buộc"):
        intake(world, documents=full_documents(world.procedure)[2:])

    assert not Dossier.objects.exists()
    assert not DossierDocument.objects.exists()
    assert AuditEvent.objects.count() == before
    assert DossierCodeCounter.objects.filter(last__gt=0).count() == 0


def test_intake_by_an_official_of_another_agency_is_refused(world):
    with pytest.raises(DossierError, match=r"vai trò|không thuộc cơ quan"):
        intake(world, actor=world.outsider)

    assert not Dossier.objects.exists()


@freeze_time("2026-11-16 09:00:00+07:00")
def test_intake_repeated_with_one_key_receives_one_dossier(world):
    first = intake(world, idempotency_key="k" * 64)
    again = intake(world, idempotency_key="k" * 64)

    assert again.pk == first.pk and again.code == first.code
    assert Dossier.objects.count() == 1
    assert DossierEvent.objects.filter(transition="receive").count() == 1


def test_counters_start_at_one_per_agency_and_day_and_year(world):
    moment = date(2026, 11, 16)
    with freeze_time("2026-11-16 09:00:00+07:00"):
        from django.utils import timezone

        now = timezone.now()
        first = dossier_code_draw(world.department, now)
        second = dossier_code_draw(world.department, now)
        other = dossier_code_draw(world.consulted, now)
    assert [first[-4:], second[-4:], other[-4:]] == ["0001", "0002", "0001"]
    assert first.startswith(f"000.00.14.H27-{moment:%y%m%d}-")
    assert [register_number_draw(world.department, 2026) for _ in range(2)] == [1, 2]
    assert register_number_draw(world.department, 2027) == 1


@freeze_time("2026-11-16 09:00:00+07:00")
def test_the_day_after_9999_codes_is_refused_and_the_counter_stays(world):
    from django.utils import timezone

    dossier_code_draw(world.department, timezone.now())
    DossierCodeCounter.objects.filter(agency=world.department).update(last=MAX_PER_DAY)

    with pytest.raises(DomainError, match="Đã hết số hồ sơ trong ngày"):
        dossier_code_draw(world.department, timezone.now())
    assert DossierCodeCounter.objects.get(agency=world.department).last == MAX_PER_DAY


@freeze_time("2026-11-16 09:00:00+07:00")
def test_the_receipt_sms_keeps_the_code_and_tracking_secret_as_printed(world, django_capture_on_commit_callbacks):
    from apps.core.messaging import LocmemSmsGateway

    LocmemSmsGateway.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = intake(world)

    body = LocmemSmsGateway.outbox[-1]["body"]
    assert dossier.code in body and dossier.tracking_secret in body
    assert strip_marks(body) == body  # no tone marks: one SMS, not three


def test_documents_are_added_only_by_the_applicant_or_the_agencies_at_work(world, register):
    dossier = register()

    with pytest.raises(DossierError):
        actions.dossier_add_documents(
            actor=world.outsider, dossier=dossier, documents=[actions.DocumentInput(name="Giấy tờ lạ", paper_only=True)]
        )
    assert not DossierDocument.objects.filter(name="Giấy tờ lạ").exists()
    added = actions.dossier_add_documents(
        actor=world.desk, dossier=dossier, documents=[actions.DocumentInput(name="Giấy tờ thêm", paper_only=True)]
    )
    assert [d.name for d in added] == ["Giấy tờ thêm"]


def test_a_photo_attached_by_the_desk_is_stored_without_its_metadata(world, register, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif[0x8825] = {2: (21.0, 20.0, 0.0)}  # GPS latitude: where the photo was taken
    exif[0x010F] = "Máy ảnh của ông Khánh"
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="JPEG", exif=exif)
    photo = SimpleUploadedFile("ảnh chụp/../giấy tờ.jpg", out.getvalue(), content_type="image/jpeg")

    (document,) = actions.dossier_add_documents(
        actor=world.desk, dossier=register(), documents=[actions.DocumentInput(name="Ảnh giấy tờ", file=photo)]
    )

    with document.file.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    assert "/" not in document.file.name.rsplit("/", 1)[-1] and ".." not in document.file.name
    assert document.content_type == "image/jpeg"


@freeze_time("2026-11-16 09:00:00+07:00")
def test_intake_under_the_version_the_desk_form_was_checked_against(world):
    version = ProcedureVersion.objects.get(procedure=world.procedure)

    dossier = intake(world, version=version)

    assert dossier.version_id == version.pk and dossier.status == Status.RECEIVED


@freeze_time("2026-11-16 09:00:00+07:00")
def test_intake_under_a_version_no_longer_in_force_or_of_another_procedure_is_refused(world):
    first = ProcedureVersion.objects.get(procedure=world.procedure)
    procedure_version_publish(
        actor=None,
        procedure=world.procedure,
        valid_from=date(2026, 11, 16),
        version=VersionSpec(
            deadline_value=Decimal(10),
            deadline_unit=DeadlineUnit.WORKING_DAYS,
            documents=[DocumentSpec(name="Đơn đề nghị", originals=1)],
            steps=building_permit_steps(world.consulted),
        ),
    )
    ended = ProcedureVersion.objects.get(pk=first.pk)  # as the next request reads it: ended yesterday
    other = department_procedure(
        world, "1.009995", "Cấp lại giấy phép xây dựng", building_permit_steps(world.consulted)
    ).versions.get()
    before = AuditEvent.objects.count()

    for version in (ended, other):
        with pytest.raises(DossierError, match="không phải phiên bản đang có hiệu lực") as refused:
            intake(world, version=version, documents=[])
        assert refused.value.code == DossierErrorCode.PROCEDURE_NOT_OFFERED

    assert not Dossier.objects.exists()
    assert AuditEvent.objects.count() == before
    assert DossierCodeCounter.objects.filter(last__gt=0).count() == 0


@freeze_time("2026-11-16 09:00:00+07:00")
def test_grants_go_to_the_home_agencies_of_the_steps_started_at_receipt(world):
    """An agency is its own home (its kind comes with the routing); a unit's home is read; the
    receiving agency's own unit gets no grant."""
    justice = AgencyFactory("Sở Tư pháp Hà Tĩnh", identifier="000.00.17.H27")
    land_office = UnitFactory(world.consulted, "Chi cục Quản lý đất đai", identifier="000.01.15.H27")
    procedure = department_procedure(
        world,
        "1.009996",
        "Thẩm định hồ sơ liên thông",
        [
            StepSpec(1, RoutingStep.Kind.INTAKE, "Tiếp nhận", Role.DESK_OFFICER, Decimal("0.5")),
            StepSpec(
                2,
                RoutingStep.Kind.APPRAISAL,
                "Thẩm định",
                Role.HANDLER,
                Decimal(4),
                target=RoutingStep.Target.AGENCY,
                agency=world.unit,
            ),
            StepSpec(
                2,
                RoutingStep.Kind.CONSULTATION,
                "Ý kiến về đất đai",
                Role.HANDLER,
                Decimal(2),
                target=RoutingStep.Target.AGENCY,
                agency=land_office,
                is_lead=False,
            ),
            StepSpec(
                2,
                RoutingStep.Kind.CONSULTATION,
                "Ý kiến pháp lý",
                Role.HANDLER,
                Decimal(2),
                target=RoutingStep.Target.AGENCY,
                agency=justice,
                is_lead=False,
            ),
            StepSpec(3, RoutingStep.Kind.RETURN, "Trả kết quả", Role.DESK_OFFICER, Decimal("0.5")),
        ],
    )
    version = procedure.versions.get()
    documents = [actions.DocumentInput(name=r.name, requirement_id=r.id) for r in version.documents.all()]

    for _ in range(2):  # the second time under the version in use, its routing from the process cache
        dossier = intake(world, procedure=procedure, documents=documents, version=version)
        version.refresh_from_db()
        grants = set(AccessGrant.objects.filter(target_uuid=dossier.uuid).values_list("grantee_id", flat=True))
        assert grants == {world.consulted.pk, justice.pk}
