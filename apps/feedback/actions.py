"""Every state change of ratings and feedback: rate a dossier, submit, assign, answer, publish.

Each action locks the row it changes, checks the move is allowed from the current state, writes the
audit event in the same transaction, and leaves messages to ``on_commit``.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from apps.accounts.identifiers import normalize_phone
from apps.audit.actions import audit_record
from apps.dossiers.models import Dossier
from apps.dossiers.statuses import Status
from apps.organizations.models import Agency

from . import selectors
from .deadlines import answer_deadline
from .errors import FeedbackError, FeedbackErrorCode
from .models import OPEN_STATES, DossierRating, Feedback, FeedbackKind, FeedbackState, RatingAspect, RatingLevel
from .notifications import feedback_notify_answered

COMMENT_MAX = 2000
TITLE_MAX = 200
CONTENT_MAX = 5000
NAME_MAX = 200


def _text(value: str, *, label: str, limit: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FeedbackError(FeedbackErrorCode.TEXT_MISSING, f"Vui lòng nhập {label}.")
    if len(value) > limit:
        raise FeedbackError(FeedbackErrorCode.TEXT_TOO_LONG, f"{label.capitalize()} dài quá {limit} ký tự.")
    return value


def _authenticated(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


# --- rating ----------------------------------------------------------------------------------------
@transaction.atomic
def dossier_rate(
    *, actor, dossier: Dossier, level: int, comment: str = "", aspects: Iterable[str] = ()
) -> DossierRating:
    """Record the applicant's satisfaction with their finished dossier (once; a rating is never changed)."""
    dossier = Dossier.objects.select_for_update().select_related("receiving_agency").get(pk=dossier.pk)
    if not _authenticated(actor) or dossier.applicant_id != actor.pk:
        raise FeedbackError(FeedbackErrorCode.NOT_APPLICANT, "Chỉ người nộp hồ sơ mới được đánh giá hồ sơ này.")
    if dossier.status != Status.RETURNED:
        raise FeedbackError(
            FeedbackErrorCode.NOT_FINISHED, "Hồ sơ chưa được trả kết quả nên chưa thể đánh giá mức độ hài lòng."
        )
    if DossierRating.objects.filter(dossier=dossier).exists():
        raise FeedbackError(
            FeedbackErrorCode.ALREADY_RATED, "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần."
        )
    try:
        level = RatingLevel(int(level))
    except (TypeError, ValueError):
        raise FeedbackError(FeedbackErrorCode.LEVEL_INVALID, "Hãy chọn một mức độ hài lòng.") from None
    aspects = list(dict.fromkeys(aspects))
    if any(aspect not in RatingAspect.values for aspect in aspects):
        raise FeedbackError(FeedbackErrorCode.ASPECT_INVALID, "Nội dung được đánh giá không hợp lệ.")
    comment = _text(comment, label="ý kiến", limit=COMMENT_MAX, required=False)
    rating = DossierRating.objects.create(
        dossier=dossier,
        agency=dossier.receiving_agency,
        rated_by=actor,
        level=level,
        aspects=aspects,
        comment=comment,
    )
    audit_record(
        actor=actor,
        action="feedback.dossier_rate",
        target=rating,
        after={"dossier": dossier.code or str(dossier.uuid), "level": int(level), "aspects": aspects},
        agency=dossier.receiving_agency,
    )
    return rating


# --- feedback --------------------------------------------------------------------------------------
@transaction.atomic
def feedback_submit(
    *,
    actor,
    title: str,
    content: str,
    agency: Agency | None = None,
    dossier: Dossier | None = None,
    kind: str = FeedbackKind.FEEDBACK,
    name: str = "",
    phone: str = "",
    email: str = "",
) -> Feedback:
    """Send a citizen's feedback to an agency, or to the agency that received one of their dossiers.

    A signed-in user writes under their own name; an anonymous person gives a name and a Vietnamese
    mobile number so the agency can answer.
    """
    signed_in = _authenticated(actor)
    if kind not in FeedbackKind.values:
        raise FeedbackError(FeedbackErrorCode.KIND_INVALID, "Hãy chọn phản ánh hay kiến nghị.")
    if dossier is not None:
        if not signed_in or dossier.applicant_id != actor.pk:
            raise FeedbackError(FeedbackErrorCode.NOT_APPLICANT, "Chỉ người nộp hồ sơ mới gửi phản ánh về hồ sơ này.")
        agency = dossier.receiving_agency
    elif agency is None or not selectors.agencies_for_feedback().filter(pk=agency.pk).exists():
        raise FeedbackError(
            FeedbackErrorCode.AGENCY_INVALID, "Hãy chọn cơ quan nhận phản ánh, kiến nghị trong danh sách."
        )
    name = _text(name or (actor.get_full_name() if signed_in else ""), label="họ và tên", limit=NAME_MAX, required=True)
    if len(name) < 2:
        raise FeedbackError(FeedbackErrorCode.NAME_MISSING, "Vui lòng nhập họ và tên.")
    phone = (phone or "").strip()
    if phone or not signed_in:
        normalized = normalize_phone(phone)
        if normalized is None:
            raise FeedbackError(
                FeedbackErrorCode.PHONE_INVALID,
                "Số điện thoại không hợp lệ; hãy nhập số di động Việt Nam, ví dụ 0912345678.",
            )
        phone = normalized
    else:  # the account's number, if it is a mobile one the answer can reach
        phone = normalize_phone(actor.phone) or ""
    email = (email or "").strip() or (actor.email if signed_in else "")
    title = _text(title, label="tiêu đề", limit=TITLE_MAX, required=True)
    content = _text(content, label="nội dung phản ánh, kiến nghị", limit=CONTENT_MAX, required=True)
    now = timezone.now()
    feedback = Feedback.objects.create(
        kind=kind,
        agency=agency,
        dossier=dossier,
        submitter=actor if signed_in else None,
        submitter_name=name,
        submitter_phone=phone,
        submitter_email=email[:254],
        title=title,
        content=content,
        deadline_at=answer_deadline(now),
        created_at=now,
    )
    audit_record(
        actor=actor if signed_in else None,
        action="feedback.feedback_submit",
        target=feedback,
        after={
            "kind": kind,
            "agency": agency.name,
            "dossier": (dossier.code or str(dossier.uuid)) if dossier else "",
            "deadline_at": feedback.deadline_at.isoformat(),
        },
        agency=agency,
    )
    return feedback


def _lock(feedback: Feedback, *, actor, permission: str = selectors.VIEW_PERMISSION) -> Feedback:
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if (
        not _authenticated(actor)
        or not actor.has_perm(permission)
        or not selectors.feedback_in_scope(actor, locked, permission)
    ):
        raise FeedbackError(FeedbackErrorCode.NOT_ALLOWED, "Ông/Bà không có quyền xử lý phản ánh, kiến nghị này.")
    return locked


def _snapshot(feedback: Feedback) -> dict:
    return {
        "state": feedback.state,
        "assignee": str(feedback.assignee.uuid) if feedback.assignee_id else None,
        "answered_at": feedback.answered_at.isoformat() if feedback.answered_at else None,
        "published_at": feedback.published_at.isoformat() if feedback.published_at else None,
    }


@transaction.atomic
def feedback_assign(*, actor, feedback: Feedback, assignee) -> Feedback:
    """Give open feedback to an official of the agency to draft the answer (heads and leaders)."""
    feedback = _lock(feedback, actor=actor, permission=selectors.PUBLISH_PERMISSION)
    if feedback.state not in OPEN_STATES:
        raise FeedbackError(FeedbackErrorCode.STATE_INVALID, "Phản ánh, kiến nghị này đã được trả lời, không giao lại.")
    if assignee is None or not selectors.assignees_for(feedback).filter(pk=assignee.pk).exists():
        raise FeedbackError(
            FeedbackErrorCode.ASSIGNEE_INVALID,
            "Người được giao phải là cán bộ đang công tác tại cơ quan nhận phản ánh.",
        )
    before = _snapshot(feedback)
    feedback.assignee = assignee
    feedback.state = FeedbackState.ASSIGNED
    feedback.save(update_fields=["assignee", "state", "updated_at"])
    audit_record(
        actor=actor, action="feedback.feedback_assign", target=feedback, before=before, after=_snapshot(feedback)
    )
    return feedback


@transaction.atomic
def feedback_answer(*, actor, feedback: Feedback, answer: str) -> Feedback:
    """Answer open feedback; the submitter is told by SMS and e-mail once this commits.

    Feedback given to one official is answered by that official, or by a head or leader who may assign.
    """
    feedback = _lock(feedback, actor=actor)
    if feedback.state not in OPEN_STATES:
        raise FeedbackError(FeedbackErrorCode.STATE_INVALID, "Phản ánh, kiến nghị này đã được người khác trả lời.")
    if (
        feedback.state == FeedbackState.ASSIGNED
        and feedback.assignee_id != actor.pk
        and not selectors.feedback_in_scope(actor, feedback, selectors.PUBLISH_PERMISSION)
    ):
        raise FeedbackError(
            FeedbackErrorCode.NOT_ALLOWED, "Phản ánh, kiến nghị này đã được giao cho cán bộ khác trả lời."
        )
    answer = _text(answer, label="nội dung trả lời", limit=CONTENT_MAX, required=True)
    before = _snapshot(feedback)
    feedback.answer = answer
    feedback.answered_at = timezone.now()
    feedback.answered_by = actor
    feedback.state = FeedbackState.ANSWERED
    feedback.save(update_fields=["answer", "answered_at", "answered_by", "state", "updated_at"])
    audit_record(
        actor=actor,
        action="feedback.feedback_answer",
        target=feedback,
        before=before,
        after={**_snapshot(feedback), "on_time": feedback.answered_on_time()},
    )
    feedback_notify_answered(feedback)
    return feedback


@transaction.atomic
def feedback_publish(*, actor, feedback: Feedback) -> Feedback:
    """Make an answer public on the portal (heads and leaders); the submitter's name shows as initials."""
    feedback = _lock(feedback, actor=actor, permission=selectors.PUBLISH_PERMISSION)
    if feedback.state != FeedbackState.ANSWERED:
        message = (
            "Câu trả lời này đã được công khai."
            if feedback.state == FeedbackState.PUBLISHED
            else "Chỉ công khai được phản ánh, kiến nghị đã có câu trả lời."
        )
        raise FeedbackError(FeedbackErrorCode.STATE_INVALID, message)
    before = _snapshot(feedback)
    feedback.state = FeedbackState.PUBLISHED
    feedback.published_at = timezone.now()
    feedback.save(update_fields=["state", "published_at", "updated_at"])
    audit_record(
        actor=actor, action="feedback.feedback_publish", target=feedback, before=before, after=_snapshot(feedback)
    )
    return feedback
