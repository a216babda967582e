"""Ratings and feedback actions: the rules, the refusals (nothing changes), audit events, messages."""

from datetime import datetime

import pytest
from django.core import mail
from freezegun import freeze_time

from apps.audit.models import AuditEvent
from apps.core.messaging import LocmemSmsGateway
from apps.core.working_days import VN_TZ
from apps.feedback import actions
from apps.feedback.errors import FeedbackError
from apps.feedback.models import DossierRating, Feedback, FeedbackState, RatingLevel


def events(action: str):
    return AuditEvent.objects.filter(action=action)


# --- rating ----------------------------------------------------------------------------------------
def test_the_applicant_rates_a_returned_dossier_once(world, returned):
    dossier = returned()

    rating = actions.dossier_rate(
        actor=world.applicant,
        dossier=dossier,
        level=RatingLevel.SATISFIED,
        comment="  Cán bộ hướng dẫn tận tình.  ",
        aspects=["officials", "time", "officials"],
    )

    rating = DossierRating.objects.get(pk=rating.pk)
    assert (rating.dossier, rating.agency, rating.rated_by) == (dossier, world.department, world.applicant)
    assert rating.level == RatingLevel.SATISFIED
    assert rating.aspects == ["officials", "time"]
    assert rating.comment == "Cán bộ hướng dẫn tận tình."
    event = events("feedback.dossier_rate").get()
    assert event.target_uuid == rating.uuid
    assert event.agency_uuid == world.department.uuid
    assert event.changes["level"] == [None, 2]

    with pytest.raises(FeedbackError, match="đã được đánh giá"):
        actions.dossier_rate(actor=world.applicant, dossier=dossier, level=RatingLevel.DISSATISFIED)
    assert DossierRating.objects.get().level == RatingLevel.SATISFIED
    assert events("feedback.dossier_rate").count() == 1


@pytest.mark.parametrize(
    ("who", "message"),
    [("other_applicant", "Chỉ người nộp hồ sơ"), ("desk", "Chỉ người nộp hồ sơ"), ("anonymous", "Chỉ người nộp hồ sơ")],
    ids=["another-applicant", "an-official", "anonymous"],
)
def test_only_the_applicant_may_rate(world, returned, who, message):
    from django.contrib.auth.models import AnonymousUser

    dossier = returned()
    actor = AnonymousUser() if who == "anonymous" else getattr(world, who)

    with pytest.raises(FeedbackError, match=message):
        actions.dossier_rate(actor=actor, dossier=dossier, level=RatingLevel.VERY_SATISFIED)
    assert not DossierRating.objects.exists()
    assert not events("feedback.dossier_rate").exists()


def test_a_dossier_still_in_progress_cannot_be_rated(world, lodge):
    dossier = lodge()

    with pytest.raises(FeedbackError, match="chưa được trả kết quả"):
        actions.dossier_rate(actor=world.applicant, dossier=dossier, level=RatingLevel.VERY_SATISFIED)
    assert not DossierRating.objects.exists()


@pytest.mark.parametrize(
    ("level", "aspects", "comment", "message"),
    [
        (7, [], "", "mức độ hài lòng"),
        ("abc", [], "", "mức độ hài lòng"),
        (1, ["price"], "", "không hợp lệ"),
        (1, [], "x" * 2001, "dài quá 2000"),
    ],
    ids=["unknown-level", "not-a-number", "unknown-aspect", "comment-too-long"],
)
def test_bad_rating_input_is_refused(world, returned, level, aspects, comment, message):
    dossier = returned()

    with pytest.raises(FeedbackError, match=message):
        actions.dossier_rate(actor=world.applicant, dossier=dossier, level=level, aspects=aspects, comment=comment)
    assert not DossierRating.objects.exists()


# --- submitting ------------------------------------------------------------------------------------
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_anonymous_feedback_goes_to_the_agency_with_a_deadline_in_working_days(world):
    # Friday 27/11/2026 at 10:00: ten working days later is Friday 11/12/2026 at 10:00.
    with freeze_time(datetime(2026, 11, 27, 10, 0, tzinfo=VN_TZ)):
        feedback = actions.feedback_submit(
            actor=anonymous(),
            agency=world.department,
            name=" Nguyễn Thị Lan ",
            phone="+84 912 345 678",
            title="Thái độ phục vụ",
            content="Tôi phải chờ lâu ở bộ phận một cửa.",
        )

    feedback = Feedback.objects.get(pk=feedback.pk)
    assert feedback.agency == world.department
    assert feedback.submitter is None
    assert (feedback.submitter_name, feedback.submitter_phone) == ("Nguyễn Thị Lan", "0912345678")
    assert feedback.submitter_initials == "N. T. L."
    assert feedback.state == FeedbackState.RECEIVED
    assert feedback.deadline_at.astimezone(VN_TZ) == datetime(2026, 12, 11, 10, 0, tzinfo=VN_TZ)
    event = events("feedback.feedback_submit").get()
    assert event.actor_uuid is None
    assert event.agency_uuid == world.department.uuid
    assert "0912345678" not in str(event.changes) and "Lan" not in event.target_label


def test_feedback_after_three_pm_counts_from_the_next_working_day(world, settings):
    settings.FEEDBACK_ANSWER_WORKING_DAYS = 2
    # Friday 16:00 → counting starts Monday 30/11 at opening → two working days: Tuesday's close.
    with freeze_time(datetime(2026, 11, 27, 16, 0, tzinfo=VN_TZ)):
        feedback = actions.feedback_submit(
            actor=anonymous(), agency=world.department, name="Lan", phone="0912345678", title="T", content="Nội dung"
        )
    due = feedback.deadline_at.astimezone(VN_TZ)
    assert due.date() == datetime(2026, 12, 1).date()


def test_a_signed_in_applicant_writes_about_their_dossier(world, lodge):
    dossier = lodge()

    feedback = actions.feedback_submit(
        actor=world.applicant,
        dossier=dossier,
        agency=world.other,
        title="Hồ sơ chậm",
        content="Quá hạn chưa có kết quả.",
    )

    assert feedback.agency == world.department  # the dossier's receiving agency, whatever was chosen
    assert (feedback.submitter, feedback.submitter_name) == (world.applicant, "Đặng Quốc Khánh")
    assert feedback.submitter_email == "congdan@x.vn"
    assert feedback.submitter_phone == ""


@pytest.mark.parametrize(("account", "stored"), [("0987 654 321", "0987654321"), ("0241234567", "")])
def test_a_signed_in_user_is_answered_on_their_accounts_mobile(world, account, stored):
    world.applicant.phone = account
    world.applicant.save(update_fields=["phone"])

    feedback = actions.feedback_submit(actor=world.applicant, agency=world.department, title="T", content="N")

    assert feedback.submitter_phone == stored


def test_a_signed_in_user_who_types_a_bad_phone_is_refused(world):
    with pytest.raises(FeedbackError, match="Số điện thoại không hợp lệ"):
        actions.feedback_submit(actor=world.applicant, agency=world.department, phone="12", title="T", content="N")
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"content": "   "}, "nội dung phản ánh"),
        ({"title": ""}, "tiêu đề"),
        ({"phone": "12345"}, "Số điện thoại không hợp lệ"),
        ({"phone": ""}, "Số điện thoại không hợp lệ"),
        ({"phone": "0241234567"}, "Số điện thoại không hợp lệ"),  # a landline cannot receive the SMS
        ({"name": ""}, "họ và tên"),
        ({"agency": None}, "Hãy chọn cơ quan"),
        ({"content": "x" * 5001}, "dài quá 5000"),
        ({"kind": "complaint"}, "phản ánh hay kiến nghị"),
    ],
    ids=[
        "empty-content",
        "empty-title",
        "bad-phone",
        "no-phone",
        "landline",
        "no-name",
        "no-agency",
        "too-long",
        "kind",
    ],
)
def test_bad_feedback_is_refused_and_nothing_is_stored(world, values, message):
    arguments = {
        "actor": anonymous(),
        "agency": world.department,
        "name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "title": "Tiêu đề",
        "content": "Nội dung",
        **values,
    }

    with pytest.raises(FeedbackError, match=message):
        actions.feedback_submit(**arguments)
    assert not Feedback.objects.exists()
    assert not events("feedback.feedback_submit").exists()


def test_an_internal_unit_cannot_receive_feedback(world):
    with pytest.raises(FeedbackError, match="Hãy chọn cơ quan"):
        actions.feedback_submit(
            actor=anonymous(), agency=world.unit, name="Lan", phone="0912345678", title="T", content="N"
        )
    assert not Feedback.objects.exists()


def test_nobody_writes_about_someone_elses_dossier(world, lodge):
    dossier = lodge()

    with pytest.raises(FeedbackError, match="Chỉ người nộp hồ sơ"):
        actions.feedback_submit(actor=world.other_applicant, dossier=dossier, title="T", content="N")
    assert not Feedback.objects.exists()


# --- handling --------------------------------------------------------------------------------------
@pytest.fixture
def sent(world):
    def make(**extra):
        values = {
            "actor": anonymous(),
            "agency": world.department,
            "name": "Nguyễn Thị Lan",
            "phone": "0912345678",
            "email": "lan@example.vn",
            "title": "Thái độ phục vụ",
            "content": "Tôi phải chờ lâu.",
            **extra,
        }
        return actions.feedback_submit(**values)

    return make


def test_assign_answer_and_publish(world, sent, django_capture_on_commit_callbacks):
    LocmemSmsGateway.outbox.clear()
    feedback = sent()

    actions.feedback_assign(actor=world.head, feedback=feedback, assignee=world.handler)
    with django_capture_on_commit_callbacks(execute=True):
        actions.feedback_answer(actor=world.handler, feedback=feedback, answer="Xin lỗi Bà, chúng tôi đã chấn chỉnh.")
    actions.feedback_publish(actor=world.leader, feedback=feedback)

    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.PUBLISHED
    assert (feedback.assignee, feedback.answered_by) == (world.handler, world.handler)
    assert feedback.answered_on_time() is True
    assert feedback.published_at is not None
    assert [e.action for e in AuditEvent.objects.filter(target_uuid=feedback.uuid).order_by("seq")] == [
        "feedback.feedback_submit",
        "feedback.feedback_assign",
        "feedback.feedback_answer",
        "feedback.feedback_publish",
    ]
    answer_event = events("feedback.feedback_answer").get()
    assert answer_event.changes["state"] == ["assigned", "answered"]
    assert answer_event.actor_uuid == world.handler.uuid
    [sms] = LocmemSmsGateway.outbox
    assert sms["to"] == "0912345678"
    assert "so xay dung da tra loi phan anh" in sms["body"].lower()
    [message] = mail.outbox
    assert message.to == ["lan@example.vn"]
    assert "chấn chỉnh" in message.body


def test_no_message_when_the_answer_is_rolled_back(world, sent, django_capture_on_commit_callbacks):
    LocmemSmsGateway.outbox.clear()
    feedback = sent()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(FeedbackError):
        actions.feedback_answer(actor=world.handler, feedback=feedback, answer="  ")
    assert LocmemSmsGateway.outbox == [] and mail.outbox == []
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.RECEIVED


def test_an_answered_feedback_is_not_answered_again_nor_reassigned(world, sent):
    feedback = sent()
    actions.feedback_answer(actor=world.desk, feedback=feedback, answer="Trả lời thứ nhất")

    with pytest.raises(FeedbackError, match="đã được người khác trả lời"):
        actions.feedback_answer(actor=world.leader, feedback=feedback, answer="Trả lời thứ hai")
    with pytest.raises(FeedbackError, match="không giao lại"):
        actions.feedback_assign(actor=world.leader, feedback=feedback, assignee=world.handler)
    feedback.refresh_from_db()
    assert (feedback.answer, feedback.state) == ("Trả lời thứ nhất", FeedbackState.ANSWERED)
    assert events("feedback.feedback_answer").count() == 1


def test_only_an_answered_feedback_is_published_and_only_once(world, sent):
    feedback = sent()
    with pytest.raises(FeedbackError, match="đã có câu trả lời"):
        actions.feedback_publish(actor=world.leader, feedback=feedback)
    actions.feedback_answer(actor=world.desk, feedback=feedback, answer="Đã xử lý")
    actions.feedback_publish(actor=world.leader, feedback=feedback)
    with pytest.raises(FeedbackError, match="đã được công khai"):
        actions.feedback_publish(actor=world.head, feedback=feedback)
    assert events("feedback.feedback_publish").count() == 1


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("answer", "outsider"),
        ("assign", "outsider"),
        ("publish", "outsider"),
        ("assign", "desk"),  # a desk officer answers but does not assign
        ("publish", "handler"),
        ("answer", "applicant"),
    ],
    ids=[
        "answer-other-agency",
        "assign-other-agency",
        "publish-other-agency",
        "desk-assigns",
        "handler-publishes",
        "citizen-answers",
    ],
)
def test_officials_act_only_within_their_agency_and_role(world, sent, action, who):
    feedback = sent()
    if action == "publish":
        actions.feedback_answer(actor=world.desk, feedback=feedback, answer="Đã xử lý")
    feedback.refresh_from_db()
    state = feedback.state
    actor = getattr(world, who)
    calls = {
        "answer": lambda: actions.feedback_answer(actor=actor, feedback=feedback, answer="Trả lời"),
        "assign": lambda: actions.feedback_assign(actor=actor, feedback=feedback, assignee=world.handler),
        "publish": lambda: actions.feedback_publish(actor=actor, feedback=feedback),
    }

    with pytest.raises(FeedbackError, match="không có quyền"):
        calls[action]()
    feedback.refresh_from_db()
    assert feedback.state == state


def test_assigned_feedback_is_answered_by_its_assignee_or_a_manager(world, sent):
    feedback = sent()
    actions.feedback_assign(actor=world.leader, feedback=feedback, assignee=world.handler)

    with pytest.raises(FeedbackError, match="giao cho cán bộ khác"):
        actions.feedback_answer(actor=world.desk, feedback=feedback, answer="Trả lời")
    actions.feedback_answer(actor=world.head, feedback=feedback, answer="Trưởng phòng trả lời")
    feedback.refresh_from_db()
    assert feedback.answered_by == world.head


def test_feedback_is_assigned_only_to_an_official_of_the_agency(world, sent):
    feedback = sent()

    for assignee in (world.outsider, world.applicant):
        with pytest.raises(FeedbackError, match="cán bộ đang công tác"):
            actions.feedback_assign(actor=world.leader, feedback=feedback, assignee=assignee)
    feedback.refresh_from_db()
    assert (feedback.state, feedback.assignee) == (FeedbackState.RECEIVED, None)
