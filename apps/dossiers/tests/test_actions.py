"""Dossier life cycle through the actions: receipt, routing across agencies, waits, apology, result."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from apps.accounts.models import AccessGrant
from apps.accounts.selectors import grant_exists
from apps.audit.models import AuditEvent
from apps.dossiers import actions
from apps.dossiers.actions import DocumentInput
from apps.dossiers.clock import Timeliness
from apps.dossiers.errors import DossierError
from apps.dossiers.models import Dossier, DossierEvent, DossierStep, DossierWait
from apps.dossiers.statuses import Channel, Status

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Giấy phép xây dựng số 01/GPXD</h1>").write_pdf()


PDF = None  # set by the autouse fixture below from a real rendered PDF


@pytest.fixture(autouse=True)
def _real_pdf(pdf_bytes):
    global PDF
    PDF = pdf_bytes


def result_pdf(name="giay-phep.pdf"):
    return DocumentInput(name="Giấy phép xây dựng", file=SimpleUploadedFile(name, PDF, content_type="application/pdf"))


@freeze_time("2026-11-16 09:00:00+07:00")
def test_receipt_gives_a_code_a_register_number_and_the_legal_due_moment(world, register):
    dossier = register()

    dossier = actions.dossier_receive(actor=world.desk, dossier=dossier)

    assert re.fullmatch(r"000\.00\.14\.H27-261116-0001", dossier.code)
    assert dossier.status == Status.RECEIVED
    assert (dossier.register_year, dossier.register_number) == (2026, 1)
    assert dossier.due_at == at(2026, 12, 1, 9)  # 10 working days, 24/11 is a holiday
    steps = list(dossier.steps.order_by("order", "position"))
    assert [s.state for s in steps] == ["done", "active", "waiting", "waiting", "waiting", "waiting"]
    assert steps[1].due_at == at(2026, 11, 20, 9)  # 4 working days for the appraisal
    assert AuditEvent.objects.filter(action="dossiers.receive", target_uuid=dossier.uuid).exists()
    assert DossierEvent.objects.filter(dossier=dossier, transition="receive").get().note.startswith("Mã hồ sơ")


def test_codes_number_the_agency_day_from_0001_without_gaps(world, register):
    codes = [actions.dossier_receive(actor=world.desk, dossier=register()).code for _ in range(3)]

    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]


def test_receipt_refuses_a_dossier_missing_a_mandatory_document(world, register):
    dossier = register(documents=full_documents_but_first(world))

    with pytest.raises(DossierError, match="còn thiếu giấy tờ bắt buộc"):
        actions.dossier_receive(actor=world.desk, dossier=dossier)

    dossier.refresh_from_db()
    assert dossier.status == Status.NEW
    assert dossier.code is None


def full_documents_but_first(world):
    from .conftest import full_documents

    return full_documents(world.procedure)[1:]


def test_incomplete_dossier_gets_form_02_and_is_received_once_complete(world, register):
    dossier = register(documents=full_documents_but_first(world))

    wait = actions.dossier_ask_to_complete(actor=world.desk, dossier=dossier, items=["Đơn đề nghị (bản chính)"])
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert wait.effect == DossierWait.Effect.NONE
    first = world.procedure.versions.get().documents.order_by("order").first()
    actions.dossier_add_documents(
        actor=world.desk, dossier=dossier, documents=[DocumentInput(name=first.name, requirement_id=first.id)]
    )
    dossier = actions.dossier_receive(actor=world.desk, dossier=dossier)

    assert dossier.status == Status.RECEIVED
    assert dossier.code


def test_refusal_needs_reasons_and_closes_the_dossier(world, register):
    dossier = register()
    with pytest.raises(DossierError, match="lý do"):
        actions.dossier_refuse(actor=world.desk, dossier=dossier, reasons="  ")

    actions.dossier_refuse(actor=world.desk, dossier=dossier, reasons="Không thuộc thẩm quyền")

    dossier.refresh_from_db()
    assert dossier.status == Status.NOT_RECEIVED
    assert dossier.code is None


def test_an_official_of_another_agency_cannot_receive(world, register):
    dossier = register()

    with pytest.raises(DossierError, match="không thuộc cơ quan"):
        actions.dossier_receive(actor=world.outsider, dossier=dossier)

    dossier.refresh_from_db()
    assert dossier.status == Status.NEW


def step(dossier, order, agency=None):
    qs = dossier.steps.filter(order=order)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.get()


def test_routing_across_agencies_to_the_result(world, register):
    dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    appraisal = step(dossier, 2)

    actions.step_assign(actor=world.head, step=appraisal, assignee=world.handler)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    actions.step_complete(actor=world.handler, step=appraisal, note="Đủ điều kiện")
    lead, consulted = step(dossier, 3, world.department), step(dossier, 3, world.consulted)
    assert (lead.state, consulted.state) == ("active", "active")
    assert grant_exists(world.consulted_handler, target_type="dossiers.dossier", target_uuid=dossier.uuid, change=True)

    actions.step_complete(actor=world.consulted_handler, step=consulted, note="Đồng ý")
    assert not grant_exists(
        world.consulted_handler, target_type="dossiers.dossier", target_uuid=dossier.uuid, change=True
    )
    assert grant_exists(world.consulted_handler, target_type="dossiers.dossier", target_uuid=dossier.uuid)
    assert step(dossier, 4).state == DossierStep.State.WAITING  # the lead step is still open
    actions.step_complete(actor=world.handler, step=lead)
    approval = step(dossier, 4)
    with pytest.raises(DossierError, match="kết quả"):
        actions.step_complete(actor=world.leader, step=approval)
    actions.dossier_result_attach(actor=world.handler, dossier=dossier, document=result_pdf())
    actions.step_complete(actor=world.leader, step=approval, note="Ký duyệt")

    dossier.refresh_from_db()
    assert dossier.status == Status.DONE
    assert dossier.timeliness == Timeliness.EARLY
    assert step(dossier, 5).state == DossierStep.State.ACTIVE
    actions.dossier_return_result(actor=world.desk, dossier=dossier, channel=Channel.DESK)
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    transitions = list(dossier.events.values_list("transition", flat=True))
    assert transitions[0] == "submit_online" and transitions[-1] == "return_result"
    assert AuditEvent.objects.filter(target_uuid=dossier.uuid).count() == len(transitions) + 1  # + result


def test_a_handler_of_another_agency_cannot_complete_a_step(world, register):
    dossier = actions.dossier_receive(actor=world.desk, dossier=register())

    with pytest.raises(DossierError):
        actions.step_complete(actor=world.consulted_handler, step=step(dossier, 2))

    assert step(dossier, 2).state == DossierStep.State.ACTIVE


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("dossier_return_result", {}),
        ("dossier_payment_done", {}),
        ("dossier_supplement_received", {}),
    ],
    ids=["return-before-processing", "payment-without-request", "supplement-without-request"],
)
def test_wrong_transitions_are_refused_and_change_nothing(world, register, action, kwargs):
    dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    before = Dossier.objects.filter(pk=dossier.pk).values().get()

    with pytest.raises(DossierError, match="Không thể thực hiện"):
        getattr(actions, action)(actor=world.desk, dossier=dossier, **kwargs)

    assert Dossier.objects.filter(pk=dossier.pk).values().get() == before


def test_stale_page_cannot_act_on_a_dossier_that_changed(world, register):
    dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    actions.dossier_request_supplement(actor=world.handler, dossier=dossier, items=["Bản vẽ mặt bằng"])

    with pytest.raises(DossierError, match="vừa được người khác cập nhật"):
        actions.dossier_stop(actor=world.head, dossier=dossier, reason="x", expected_status=Status.RECEIVED)


def test_supplement_requested_within_three_working_days_restarts_the_deadline(world, register):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    with freeze_time("2026-11-18 10:00:00+07:00"):
        wait = actions.dossier_request_supplement(actor=world.handler, dossier=dossier, items=["Bản vẽ mặt bằng"])
    with freeze_time("2026-11-30 14:00:00+07:00"):
        dossier = actions.dossier_supplement_received(actor=world.desk, dossier=dossier)

    assert wait.effect == DossierWait.Effect.RESTART
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == at(2026, 12, 14, 14)  # 10 working days again from 30/11 14:00
    assert step(dossier, 2).due_at == at(2026, 12, 4, 14)


def test_supplement_after_three_working_days_pauses_and_resumes_exactly(world, register):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    with freeze_time("2026-11-23 09:00:00+07:00"):  # 5 working days later: 5 remain
        wait = actions.dossier_request_supplement(actor=world.handler, dossier=dossier, items=["Bản vẽ"])
    with freeze_time("2026-12-07 09:00:00+07:00"):
        dossier = actions.dossier_supplement_received(actor=world.desk, dossier=dossier)

    assert wait.effect == DossierWait.Effect.PAUSE
    assert dossier.due_at == at(2026, 12, 14, 9)


def test_financial_obligation_pauses_the_clock(world, register):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    with freeze_time("2026-11-17 09:00:00+07:00"):
        actions.dossier_request_payment(
            actor=world.handler, dossier=dossier, items=[{"name": "Tiền sử dụng đất", "amount": 12_500_000}]
        )
    with freeze_time("2026-11-27 09:00:00+07:00"):
        dossier = actions.dossier_payment_done(actor=world.desk, dossier=dossier)

    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == at(2026, 12, 10, 9)  # 9 working days left from 27/11


def test_apology_once_and_at_least_one_working_day_before_the_deadline(world, register):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    with freeze_time("2026-11-30 09:30:00+07:00"), pytest.raises(DossierError, match="01 ngày làm việc"):
        actions.dossier_apologise(actor=world.head, dossier=dossier, new_due_at=at(2026, 12, 8, 9), reason="Chờ ý kiến")
    with freeze_time("2026-11-27 09:00:00+07:00"):
        dossier = actions.dossier_apologise(
            actor=world.head, dossier=dossier, new_due_at=at(2026, 12, 8, 9), reason="Chờ ý kiến phối hợp"
        )
        with pytest.raises(DossierError, match="một lần"):
            actions.dossier_apologise(
                actor=world.head, dossier=dossier, new_due_at=at(2026, 12, 9, 9), reason="Lần hai"
            )

    assert dossier.due_at == at(2026, 12, 8, 9)
    assert dossier.original_due_at == at(2026, 12, 1, 9)


def test_withdrawal_by_the_applicant_and_stop_by_the_head(world, register):
    first = actions.dossier_receive(actor=world.desk, dossier=register())
    second = actions.dossier_receive(actor=world.desk, dossier=register())

    actions.dossier_withdraw(actor=world.desk, dossier=first, reason="Công dân xin rút")
    actions.dossier_stop(actor=world.head, dossier=second, reason="Không đủ điều kiện cấp phép")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.WITHDRAWN, Status.STOPPED)
    assert not second.steps.filter(state=DossierStep.State.ACTIVE).exists()


def test_late_completion_is_recorded(world, register):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    with freeze_time("2026-11-25 09:00:00+07:00"):
        actions.step_complete(actor=world.handler, step=step(dossier, 2))

    assert step(dossier, 2).timeliness == Timeliness.LATE


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anh.pdf", b"MZ\x90\x00 this is an exe", "không phải PDF"),
        ("ho-so.zip.pdf", b"PK\x03\x04zipzip", "không phải PDF"),
        ("hong.pdf", b"%PDF-1.4 broken", "cắt cụt"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "hỏng"),
    ],
    ids=["exe-named-pdf", "zip", "truncated-pdf", "broken-png"],
)
def test_disguised_or_broken_files_are_refused_and_nothing_is_stored(world, register, name, content, message):
    dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    count = dossier.documents.count()

    with pytest.raises(DossierError, match=message):
        actions.dossier_result_attach(
            actor=world.handler,
            dossier=dossier,
            document=DocumentInput(name="Kết quả", file=SimpleUploadedFile(name, content)),
        )

    assert dossier.documents.count() == count


def test_repeated_online_submission_with_one_key_makes_one_dossier(world):
    from apps.dossiers.actions import ApplicantInput, dossier_register

    kwargs = dict(
        actor=None,
        procedure=world.procedure,
        receiving_agency=world.department,
        applicant=ApplicantInput(name="Lê Thị Hoa", phone="0987654321"),
        channel=Channel.ONLINE,
        idempotency_key="submit-7f3a",
    )
    first = dossier_register(**kwargs)
    second = dossier_register(**kwargs)

    assert first.pk == second.pk
    assert Dossier.objects.count() == 1


def test_grants_are_only_for_other_agencies(world, register):
    actions.dossier_receive(actor=world.desk, dossier=register())

    assert not AccessGrant.objects.filter(grantee=world.department).exists()
    assert timezone.now() - timedelta(minutes=1) < Dossier.objects.get().received_at
    assert Decimal(Dossier.objects.get().deadline_value) == 10
