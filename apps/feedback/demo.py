"""Demo ratings and feedback: applicants rate their returned online dossiers (if the demo has any),
citizens send feedback to the agencies where the demo heads and leaders work and to the busiest
desk, and those heads and leaders answer and publish part of it.

Made through the actions (``dossier_rate``, ``feedback_submit``, ``feedback_answer``,
``feedback_publish``). Deterministic and idempotent: a rated dossier is skipped, and feedback is
only sent while there is less than the demo amount.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.accounts.selectors import home_agency
from apps.core.demo import demo_step
from apps.dossiers.models import Dossier
from apps.dossiers.statuses import Channel, Status

from . import actions, selectors
from .errors import FeedbackError
from .models import DossierRating, Feedback, FeedbackKind, RatingAspect, RatingLevel

RATINGS = 30
LEVELS = [RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.VERY_SATISFIED, RatingLevel.DISSATISFIED]
ASPECTS = [[RatingAspect.OFFICIALS], [RatingAspect.TIME, RatingAspect.RESULT], [], [RatingAspect.TIME]]
FEEDBACK = [
    (
        "Nguyễn Thị Lan",
        "0912345001",
        "Thời gian chờ tại bộ phận một cửa",
        "Sáng thứ hai tôi phải chờ gần hai giờ mới được tiếp nhận hồ sơ.",
    ),
    (
        "Trần Văn Hùng",
        "0912345002",
        "Đề nghị niêm yết mẫu đơn",
        "Đề nghị niêm yết mẫu đơn, tờ khai tại bộ phận một cửa để người dân điền trước.",
    ),
    (
        "Lê Thị Mai",
        "0912345003",
        "Hướng dẫn nộp hồ sơ trực tuyến",
        "Tôi không biết tải tệp bản vẽ ở bước nào; đề nghị có hướng dẫn chi tiết hơn.",
    ),
    ("Phạm Quốc Bảo", "0912345004", "Phí cấp bản sao", "Đề nghị làm rõ mức phí cấp bản sao kết quả giải quyết."),
    ("Hoàng Minh Châu", "0912345005", "Thái độ phục vụ", "Cán bộ tiếp nhận nhiệt tình, hướng dẫn rõ ràng; xin cảm ơn."),
    (
        "Võ Thị Hạnh",
        "0912345006",
        "Giờ làm việc chiều thứ sáu",
        "Đề nghị bố trí trực bộ phận một cửa đến 17 giờ chiều thứ sáu.",
    ),
]
ANSWERED = 4  # at most, where a demo head or leader works; the first PUBLISHED of them are made public
PUBLISHED = 2
MANAGERS = [Role.AGENCY_LEADER, Role.HEAD_OF_UNIT]
ANSWER = "Cảm ơn Ông/Bà đã phản ánh. Cơ quan đã xem xét và chấn chỉnh; kết quả được thông báo tới bộ phận liên quan."


def _rate(report) -> None:
    candidates = (
        Dossier.objects.filter(channel=Channel.ONLINE, status=Status.RETURNED, applicant__isnull=False)
        .exclude(pk__in=DossierRating.objects.values("dossier_id"))
        .select_related("applicant")
        .order_by("pk")
    )
    for index, dossier in enumerate(list(candidates[: max(RATINGS - DossierRating.objects.count(), 0)])):
        try:
            actions.dossier_rate(
                actor=dossier.applicant,
                dossier=dossier,
                level=LEVELS[index % len(LEVELS)],
                aspects=ASPECTS[index % len(ASPECTS)],
                comment="Hồ sơ được giải quyết đúng hẹn." if index % 3 == 0 else "",
            )
        except FeedbackError:
            continue
    report(f"{DossierRating.objects.count()} đánh giá hồ sơ")


def _manager(feedback: Feedback):
    officials = selectors.assignees_for(feedback)
    return officials.filter(memberships__roles__role__in=MANAGERS).order_by("pk").first()


def _agencies() -> list:
    """Where the demo heads and leaders work (so their inbox has something), then the busiest desk."""
    today = timezone.localdate()
    posts = (
        Membership.objects.filter(valid_from__lte=today, roles__role__in=MANAGERS)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("agency")
        .order_by("pk")
    )
    allowed = selectors.agencies_for_feedback()
    agencies = []
    for post in posts:
        agency = home_agency(post.agency)
        if agency not in agencies and allowed.filter(pk=agency.pk).exists():
            agencies.append(agency)
    busiest = (
        Dossier.objects.values("receiving_agency_id")
        .annotate(n=Count("id"))
        .order_by("-n", "receiving_agency_id")
        .values_list("receiving_agency_id", flat=True)
        .first()
    )
    extra = allowed.filter(pk=busiest).first() if busiest else None
    if extra is not None and extra not in agencies:
        agencies.append(extra)
    return agencies[:3] or list(allowed[:2])


def _send(report) -> None:
    agencies = _agencies()
    if not agencies:
        report("chưa có cơ quan: bỏ qua phản ánh, kiến nghị")
        return
    answered = Feedback.objects.filter(answered_at__isnull=False).count()
    published = Feedback.objects.filter(published_at__isnull=False).count()
    for index in range(Feedback.objects.count(), len(FEEDBACK)):
        name, phone, title, content = FEEDBACK[index]
        feedback = actions.feedback_submit(
            actor=AnonymousUser(),
            agency=agencies[index % len(agencies)],
            kind=FeedbackKind.RECOMMENDATION if title.startswith("Đề nghị") else FeedbackKind.FEEDBACK,
            name=name,
            phone=phone,
            title=title,
            content=content,
        )
        manager = _manager(feedback)
        if manager is None or answered >= ANSWERED:
            continue  # answered only where a demo head or leader works; the rest wait in the inbox
        actions.feedback_answer(actor=manager, feedback=feedback, answer=ANSWER)
        answered += 1
        if published < PUBLISHED:
            actions.feedback_publish(actor=manager, feedback=feedback)
            published += 1
    report(f"{Feedback.objects.count()} phản ánh, kiến nghị")


@demo_step(order=45, label="Đánh giá hài lòng và phản ánh, kiến nghị mẫu")
def demo_feedback(report) -> None:
    _rate(report)
    _send(report)
