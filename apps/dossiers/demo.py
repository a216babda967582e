"""Demo dossiers: the first half of 2017 and the current year, in every status, made through the
actions (replayed at historical moments) so the registers, forms and statistics come out of them.

Deterministic (seeded) and idempotent: each demo dossier has an idempotency key and is skipped
when it exists.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.core.demo import demo_step
from apps.core.working_days import VN_TZ, get_calendar
from apps.organizations.models import Agency, Level
from apps.procedures.models import Procedure
from apps.procedures.selectors import procedure_version_in_force, procedures_for_agency

from . import actions, notifications
from .actions import ApplicantInput, DocumentInput
from .errors import DossierError
from .models import Dossier, DossierStep
from .statuses import Channel

HISTORY = (date(2017, 1, 3), date(2017, 6, 30), 400)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Ngọc", "Xuân", "Thu"]
MOBILE_PREFIXES = [
    "091",
    "094",
    "088",
    "098",
    "097",
    "096",
    "086",
    "090",
    "093",
    "070",
    "079",
    "077",
    "083",
    "032",
    "035",
]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Yến"]  # fmt: skip


def _person(rng: random.Random, year_of_birth: int) -> ApplicantInput:
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    century = 0 if year_of_birth < 2000 else 2
    id_number = f"042{century + rng.randint(0, 1)}{year_of_birth % 100:02d}{rng.randint(0, 999999):06d}"
    phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 9999999):07d}"
    return ApplicantInput(name=name, id_number=id_number, phone=phone, address="Hà Tĩnh")


def _working_moment(rng: random.Random, day: date) -> datetime:
    minutes = rng.randint(7 * 60 + 35, 16 * 60 + 30)
    if 11 * 60 + 30 <= minutes < 13 * 60:
        minutes += 90
    return datetime.combine(day, time(minutes // 60, minutes % 60), VN_TZ)


def _working_days(start: date, end: date) -> list[date]:
    calendar = get_calendar()
    days, current = [], start
    while current <= end:
        if calendar.is_working_day(current):
            days.append(current)
        current += timedelta(days=1)
    return days


def _offers(on: date) -> list[tuple[Procedure, Agency]]:
    """(procedure, receiving agency) pairs in force on ``on``: communes and the service centres."""
    receivers = list(
        Agency.objects.valid_on(on).filter(
            category__in=[Agency.Category.PUBLIC_SERVICE_CENTRE, Agency.Category.PEOPLES_COMMITTEE],
            level__in=[Level.PROVINCE, Level.COMMUNE],
        )
    )
    if on.year < 2025:  # before the service centre opened, departments received their own dossiers
        receivers += list(Agency.objects.valid_on(on).filter(category=Agency.Category.DEPARTMENT))
    pairs = []
    for agency in receivers:
        if not agency.identifier:
            continue
        for procedure in procedures_for_agency(agency, on):
            pairs.append((procedure, agency))
    return pairs


def _advance(rng: random.Random, dossier: Dossier, now: datetime, *, late: bool) -> None:
    """Complete steps one after the other while their (simulated) finishing moment is in the past."""
    calendar = get_calendar()
    for _ in range(12):
        dossier.refresh_from_db()
        active = list(dossier.steps.filter(state=DossierStep.State.ACTIVE).order_by("order", "-is_lead"))
        if not active or dossier.status not in (2, 4):
            return
        for step in active:
            if step.kind == "return":
                return
            share = max(calendar.working_seconds_between(step.started_at, step.due_at), 3600)
            used = share * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.2, 0.9))
            finish = calendar.add_working_seconds(max(step.started_at, dossier.received_at), int(used))
            if finish >= now:
                return
            with actions.acting_at(finish):
                if step.kind == "approval" and not dossier.documents.filter(kind="result").exists():
                    actions.dossier_result_attach(
                        actor=None, dossier=dossier, document=DocumentInput(name="Kết quả giải quyết (bản giấy)")
                    )
                try:
                    actions.step_complete(actor=None, step=step, at=finish, note="Đã xử lý")
                except DossierError:
                    return


def _one(rng: random.Random, key: str, day: date, today: datetime, pairs) -> None:
    procedure, agency = rng.choice(pairs)
    moment = _working_moment(rng, day)
    if moment >= today:
        return
    online = procedure.online_mode == Procedure.OnlineMode.FULL and rng.random() < 0.5
    applicant = _person(rng, rng.randint(1950, 2005))
    version = procedure_version_in_force(procedure, moment)
    documents = [DocumentInput(name=r.name, requirement_id=r.id, paper_only=True) for r in version.documents.all()]
    with actions.acting_at(moment):
        dossier = actions.dossier_register(
            actor=None,
            procedure=procedure,
            receiving_agency=agency,
            applicant=applicant,
            channel=Channel.ONLINE if online else Channel.DESK,
            documents=documents,
            idempotency_key=key,
            at=moment,
        )
    calendar = get_calendar()
    fate = rng.random()
    check = calendar.add_working_hours(moment, 2)
    if check >= today:
        return  # still waiting for the desk's check (status 1)
    with actions.acting_at(check):
        if fate < 0.03:
            actions.dossier_refuse(actor=None, dossier=dossier, reasons="Hồ sơ không thuộc thẩm quyền giải quyết.")
            return
        if fate < 0.07:
            actions.dossier_ask_to_complete(
                actor=None, dossier=dossier, items=[documents[0].name if documents else "Tờ khai"]
            )
            return
        dossier = actions.dossier_receive(actor=None, dossier=dossier, at=check)
    late = rng.random() < 0.1
    if rng.random() < 0.12:  # a supplement round
        asked = calendar.add_working_days(dossier.clock_started_at, rng.choice([1, 2, 5]))
        if asked < today:
            with actions.acting_at(asked):
                actions.dossier_request_supplement(actor=None, dossier=dossier, items=["Bản sao giấy tờ còn thiếu"])
            back = calendar.add_working_days(asked, rng.randint(1, 6))
            if back >= today:
                return
            with actions.acting_at(back):
                dossier = actions.dossier_supplement_received(actor=None, dossier=dossier)
    if rng.random() < 0.02:
        with actions.acting_at(calendar.add_working_hours(dossier.received_at, 6)):
            if calendar.add_working_hours(dossier.received_at, 6) < today:
                actions.dossier_withdraw(actor=None, dossier=dossier, reason="Người nộp xin rút hồ sơ.")
                return
    if rng.random() < 0.02:
        stop_at = calendar.add_working_days(dossier.received_at, 2)
        if stop_at < today:
            with actions.acting_at(stop_at):
                actions.dossier_stop(actor=None, dossier=dossier, reason="Không đủ điều kiện giải quyết.")
            return
    if late and rng.random() < 0.3:
        dossier.refresh_from_db()
        apology_at = calendar.add_working_days(dossier.clock_started_at, 1)
        if apology_at < today and dossier.due_at and calendar.add_working_days(apology_at, 1) <= dossier.due_at:
            with actions.acting_at(apology_at):
                actions.dossier_apologise(
                    actor=None,
                    dossier=dossier,
                    new_due_at=calendar.add_working_days(dossier.due_at, 3),
                    reason="Cần thêm thời gian lấy ý kiến cơ quan phối hợp.",
                )
    _advance(rng, dossier, today, late=late)
    dossier.refresh_from_db()
    if dossier.status == 9 and rng.random() < 0.85:
        handed = calendar.add_working_days(dossier.finished_at, rng.choice([0.5, 1, 2]))
        if handed < today:
            with actions.acting_at(handed):
                actions.dossier_return_result(
                    actor=None, dossier=dossier, channel=Channel.ONLINE if online else Channel.DESK
                )


def generate(report, *, history: tuple = HISTORY, current: int = 1200, seed: int = 2026) -> int:
    """Make the demo dossiers; return how many exist afterwards."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    today = timezone.now()
    start, end, count = history
    periods = [(start, end, count, "2017")]
    this_year = timezone.localdate().year
    periods.append((date(this_year, 1, 2), timezone.localdate(), current, str(this_year)))
    with notifications.silenced():
        for first, last, total, label in periods:
            days = _working_days(first, last)
            offers: dict[date, list] = {}
            for index in range(total):
                key = f"demo-{label}-{index:05d}"
                day = days[index * len(days) // total]
                pairs = offers[day] if day in offers else offers.setdefault(day, _offers(day))
                if Dossier.objects.filter(idempotency_key=key).exists() or not pairs:
                    rng.random()
                    continue
                _one(rng, key, day, today, pairs)
                if index % 100 == 99:
                    report(f"{label}: {index + 1}/{total}")
    return Dossier.objects.count()


@demo_step(order=30, label="Hồ sơ một cửa mẫu (6 tháng đầu 2017 và năm nay)")
def demo_dossiers(report) -> None:
    from django.conf import settings

    total = settings.DEMO_DOSSIERS  # EGOV_DEMO_DOSSIERS; a quarter in 2017-H1, the rest this year
    start, end, _count = HISTORY
    generate(report, history=(start, end, total // 4), current=total - total // 4)
