"""Dossier statistics of an agency (and the agencies below it) over a period, by aggregate SQL.

The figures are those of QĐ 766 "progress" (component 2.1 and the tracked 2.2). A period runs from
the local midnight (Asia/Ho_Chi_Minh) that opens its first day to the one that ends its last day;
figures "at the end" are taken at ``cut`` = the end of the period, or now if that is earlier (a
period that has not begun yet shows the dossiers open now as carried over into it).

Definitions (a dossier counts for the agency that received it):

* **handled** = **new** (received in the period) + **carried over** (received before the period and
  still open at its start: neither processed nor closed before it);
* new dossiers split by channel: **desk**, **online**, **postal**;
* every handled dossier ends the period in exactly one of: **processed** in the period (early, on
  time or late, by its ``timeliness``), **withdrawn** or **stopped** in the period, or **open** at
  the cut — **within deadline** or **past deadline**;
* open at the cut, the status and the appointment are read from the processing trail as they were
  then (last trail entry before the cut). A dossier waiting on the applicant (status 5 or 6 then;
  also shown on its own as **waiting**) has its clock paused: it is within its deadline if working
  time was left when the wait began (``DossierWait.remaining_seconds``); any other open dossier is
  within its deadline if its appointment is not before the cut;
* **refused** (Form 03, status 3) counts the refusals in the period; such dossiers were never
  received, so they are not "handled";
* **on-time rate** = (early + on time + open within deadline) ÷ handled (§5, component 2.1);
* **average processing time** = mean number of working days from the receipt day to the day the
  dossier was processed, over the dossiers processed in the period. It is exact at the day
  granularity: the database counts dossiers per receipt day and per processing day, and the
  calendar numbers those days (working-day index), so the calendar runs once per distinct day, not
  per dossier. Hours within a day and waits on the applicant are not subtracted.

Three queries whatever the number of dossiers: one grouped by procedure (the totals and the
breakdown by sector are sums of its rows) and two for the average processing time.
"""

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DateField, F, Func, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.selectors import home_agency, scope_for_permission
from apps.core.working_days import VN_TZ, get_calendar
from apps.organizations.models import Agency
from apps.organizations.selectors import agency_subtree_ids
from apps.procedures.models import Procedure

from ..clock import Timeliness
from ..models import Dossier, DossierEvent, DossierWait
from ..statuses import WAITING_ON_APPLICANT, Channel, Status

STATISTICS_PERMISSION = "dossiers.view_statistics"
TOP = 10


# --- periods -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """Whole days ``first``..``last`` (inclusive) in Asia/Ho_Chi_Minh."""

    first: date
    last: date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = date(year, 3 * quarter - 2, 1)
        return cls(first, _month_end(year, 3 * quarter))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), _month_end(year, month))

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, VN_TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, VN_TZ)

    def __str__(self) -> str:
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


# --- figures -----------------------------------------------------------------------------------
@dataclass
class Figures:
    """Counts of dossiers; see the module docstring for each definition."""

    handled: int = 0
    new: int = 0
    carried_over: int = 0
    desk: int = 0
    online: int = 0
    postal: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    open_within: int = 0
    open_past: int = 0
    waiting: int = 0
    withdrawn: int = 0
    stopped: int = 0
    refused: int = 0

    def add(self, other: "Figures") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def processed(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def open(self) -> int:
        return self.open_within + self.open_past

    @property
    def on_time_rate(self) -> Decimal | None:
        """Percentage (one decimal) of handled dossiers done early/on time or still within deadline."""
        if not self.handled:
            return None
        ratio = Decimal(100 * (self.early + self.on_time + self.open_within)) / Decimal(self.handled)
        return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Labels of the figures, in the order the page, the chart, the export and the API list them.
FIGURE_LABELS: dict[str, str] = {
    "handled": _("Dossiers handled"),
    "new": _("Received in the period"),
    "carried_over": _("Carried over from before the period"),
    "desk": _("Received at the desk"),
    "online": _("Received online"),
    "postal": _("Received by post"),
    "early": _("Processed early"),
    "on_time": _("Processed on time"),
    "late": _("Processed late"),
    "open_within": _("In progress, within the deadline"),
    "open_past": _("In progress, past the deadline"),
    "waiting": _("Of which waiting on the applicant"),
    "withdrawn": _("Withdrawn"),
    "stopped": _("Processing stopped"),
    "refused": _("Refused at receipt"),
}


@dataclass
class Breakdown:
    """The figures of one procedure or sector, or of all the others together (``code`` empty)."""

    code: str
    name: str
    figures: Figures

    @property
    def is_others(self) -> bool:
        return not self.code


@dataclass
class Statistics:
    agency: Agency
    period: Period
    as_of: datetime
    totals: Figures
    average_days: Decimal | None
    by_procedure: list[Breakdown] = field(default_factory=list)
    by_sector: list[Breakdown] = field(default_factory=list)


# --- the queries -------------------------------------------------------------------------------
# Counted in SQL per procedure; open_past, handled and the rest are derived in Python, so that the
# categories add up even where SQL's NULL logic would leave a row out of both a test and its negation.
_SQL_COUNTS = (
    "new",
    "carried_over",
    "desk",
    "online",
    "postal",
    "early",
    "on_time",
    "late",
    "open",
    "open_within",
    "waiting",
    "withdrawn",
    "stopped",
    "refused",
)


def _conditions(start: datetime, cut: datetime) -> dict[str, Q]:
    new = Q(received_at__gte=start, received_at__lt=cut)
    carried_over = Q(received_at__lt=start) & ~Q(finished_at__lt=start) & ~Q(closed_at__lt=start)
    handled = new | carried_over
    processed = handled & Q(finished_at__lt=cut)
    closed = handled & Q(closed_at__lt=cut) & ~Q(finished_at__lt=cut)
    still_open = handled & ~Q(finished_at__lt=cut) & ~Q(closed_at__lt=cut)
    waiting_then = Q(status_then__in=WAITING_ON_APPLICANT)
    paused = waiting_then & Q(wait_remaining__isnull=False)
    within = (paused & Q(wait_remaining__gte=0)) | (~paused & Q(due_then__gte=cut))
    return {
        "scope": handled | Q(status=Status.NOT_RECEIVED, closed_at__gte=start, closed_at__lt=cut),
        "new": new,
        "carried_over": carried_over,
        "desk": new & Q(channel=Channel.DESK),
        "online": new & Q(channel=Channel.ONLINE),
        "postal": new & Q(channel=Channel.POSTAL),
        "early": processed & Q(timeliness=Timeliness.EARLY),
        "on_time": processed & Q(timeliness=Timeliness.ON_TIME),
        "late": processed & ~Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME]),
        "open": still_open,
        "open_within": still_open & within,
        "waiting": still_open & waiting_then,
        "withdrawn": closed & Q(status=Status.WITHDRAWN),
        "stopped": closed & Q(status=Status.STOPPED),
        "refused": Q(status=Status.NOT_RECEIVED, closed_at__gte=start, closed_at__lt=cut),
        "processed": processed,
    }


def _with_state_at(queryset: QuerySet[Dossier], cut: datetime, *, settled: bool | None = None) -> QuerySet[Dossier]:
    """Annotate each dossier with its status and appointment as the trail had them at ``cut``.

    When nothing has happened since ``cut`` (``settled``; by default asked of the trail's index on
    its moments — the case of every period that is not over yet), the state then is the state now
    and is read from the dossier's own columns instead of three look-ups per dossier.
    """
    if settled is None:
        settled = not DossierEvent.objects.filter(at__gte=cut).exists()
    waits = DossierWait.objects.filter(dossier=OuterRef("pk"), requested_at__lt=cut).order_by("-requested_at", "-id")
    # The remaining time of the last wait matters only to a dossier then waiting on its applicant.
    if settled:
        return queryset.annotate(
            status_then=F("status"),
            due_then=F("due_at"),
            wait_remaining=Case(
                When(status__in=WAITING_ON_APPLICANT, then=Subquery(waits.values("remaining_seconds")[:1])),
                default=None,
            ),
        )
    trail = DossierEvent.objects.filter(dossier=OuterRef("pk"), at__lt=cut).order_by("-at", "-id")
    annotated = queryset.annotate(
        status_then=Coalesce(Subquery(trail.values("to_status")[:1]), "status"),
        due_then=Coalesce(Subquery(trail.filter(due_after__isnull=False).values("due_after")[:1]), "due_at"),
    )
    return annotated.annotate(
        wait_remaining=Case(
            When(status_then__in=WAITING_ON_APPLICANT, then=Subquery(waits.values("remaining_seconds")[:1])),
            default=None,
        )
    )


def _figures(row: dict) -> Figures:
    counts = {key: row[key] for key in _SQL_COUNTS}
    figures = Figures(**{k: v for k, v in counts.items() if k != "open"})
    figures.handled = figures.new + figures.carried_over
    figures.open_past = counts["open"] - figures.open_within
    return figures


def _top(rows: list[Breakdown], top: int, others_label: str) -> list[Breakdown]:
    rows.sort(key=lambda r: (-r.figures.handled, -r.figures.refused, r.code))
    if len(rows) <= top:
        return rows
    others = Figures()
    for row in rows[top:]:
        others.add(row.figures)
    return [*rows[:top], Breakdown(code="", name=others_label, figures=others)]


class VietnamDate(Func):
    """The calendar day in Viet Nam of a stored moment, computed by the database itself.

    Viet Nam keeps UTC+7 all year (no daylight saving since 1975), so the day is the UTC moment
    plus seven hours: SQLite's native ``date(…, '+7 hours')`` without calling back into Python for
    every row as ``TruncDate(tzinfo=…)`` does there, and on PostgreSQL the same fixed offset, which
    on a million rows costs a third less than converting through the zone's rules by name.
    """

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="date(%(expressions)s, '+7 hours')", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "((%(expressions)s AT TIME ZONE 'UTC') + INTERVAL '7 hours')::date"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sql(self, compiler, connection, **extra_context):
        if "template" not in extra_context:  # other databases: Django's own conversion
            return TruncDate(*self.source_expressions, tzinfo=VN_TZ).as_sql(compiler, connection)
        return super().as_sql(compiler, connection, **extra_context)


def _count_per_day_pair(dossiers: QuerySet[Dossier]) -> tuple[Counter, Counter]:
    """Dossiers per day of receipt and per day of processing, in one pass over the rows."""
    pairs = (
        dossiers.annotate(received_day=VietnamDate("received_at"), finished_day=VietnamDate("finished_at"))
        .values("received_day", "finished_day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("received_day", "finished_day", "n")
    )
    received, finished = Counter(), Counter()
    for received_day, finished_day, n in pairs:
        received[_as_date(received_day)] += n
        finished[_as_date(finished_day)] += n
    return received, finished


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _average_days(dossiers: QuerySet[Dossier], processed: Q) -> Decimal | None:
    """Mean working days from receipt day to processing day (see the module docstring)."""
    done = dossiers.filter(processed).order_by()
    received, finished = _count_per_day_pair(done)
    count = sum(finished.values())
    if not count:
        return None
    days = sorted(set(received) | set(finished))
    calendar = get_calendar()
    index: dict[date, int] = {}
    position, previous = 0, None
    for day in days:
        if previous is not None:
            position += calendar.working_days_in(previous + timedelta(days=1), day)
        index[day] = position
        previous = day
    total = sum(index[d] * n for d, n in finished.items()) - sum(index[d] * n for d, n in received.items())
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def dossier_statistics(*, agency: Agency, agency_ids: set[int], period: Period, top: int = TOP) -> Statistics:
    """The figures of the dossiers received by ``agency_ids`` (already scoped) over ``period``."""
    now = timezone.now()
    cut = min(period.end, now)
    start = min(period.start, cut)
    conditions = _conditions(start, cut)
    dossiers = Dossier.objects.filter(receiving_agency_id__in=agency_ids)
    # Grouped by the procedure's id alone (a small hash table, no sort of wide text keys over every
    # row); the names of the procedures counted are read afterwards in one small query.
    rows = list(
        _with_state_at(dossiers.filter(conditions["scope"]), cut)
        .values("procedure_id")
        .annotate(**{key: Count("pk", filter=conditions[key]) for key in _SQL_COUNTS})
        .order_by()
    )
    names = {
        p.pk: p
        for p in Procedure.objects.filter(pk__in=[row["procedure_id"] for row in rows])
        .select_related("sector")
        .only("code", "name", "sector__code", "sector__name")
    }
    totals = Figures()
    procedures: list[Breakdown] = []
    sectors: dict[str, Breakdown] = {}
    for row in rows:
        figures = _figures(row)
        totals.add(figures)
        procedure = names[row["procedure_id"]]
        procedures.append(Breakdown(procedure.code, procedure.name, figures))
        sector = sectors.setdefault(
            procedure.sector.code, Breakdown(procedure.sector.code, procedure.sector.name, Figures())
        )
        sector.figures.add(figures)
    others = str(_("Others"))
    return Statistics(
        agency=agency,
        period=period,
        as_of=cut,
        totals=totals,
        average_days=_average_days(dossiers, conditions["processed"]),
        by_procedure=_top(procedures, top, others),
        by_sector=_top(list(sectors.values()), top, others),
    )


# --- scoping -----------------------------------------------------------------------------------
def statistics_agencies_for_user(user) -> QuerySet[Agency]:
    """Agencies (and units) in force whose statistics ``user`` may read."""
    if not user.has_perm(STATISTICS_PERMISSION):
        return Agency.objects.none()
    agencies = Agency.objects.valid_on(timezone.localdate()).order_by("level", "sort_order", "name")
    scope = scope_for_permission(user, STATISTICS_PERMISSION)
    return agencies if scope is None else agencies.filter(id__in=scope)


def statistics_default_agency(user, agencies: list[Agency]) -> Agency | None:
    """The agency the page opens on: the user's own agency when it is a choice, else the first."""
    membership = user.current_membership()
    if membership is not None:
        preferred = {home_agency(membership.agency).pk, membership.agency.pk}
        for agency in agencies:
            if agency.pk in preferred:
                return agency
    return agencies[0] if agencies else None


def statistics_agency_get(user, *, identifier: str | None = None, uuid=None) -> Agency | None:
    """The agency with this identifier (or UUID) if ``user`` may read its statistics, else None."""
    agencies = statistics_agencies_for_user(user)
    if uuid is not None:
        return agencies.filter(uuid=uuid).first()
    if identifier:
        return agencies.filter(identifier=identifier).first()
    return statistics_default_agency(user, list(agencies))


def dossier_statistics_for_user(user, *, agency: Agency, period: Period, top: int = TOP) -> Statistics:
    """The statistics of ``agency`` and the agencies below it, limited to what ``user`` may read."""
    ids = agency_subtree_ids(agency) or {agency.pk}
    scope = scope_for_permission(user, STATISTICS_PERMISSION)
    if scope is not None:
        ids &= scope
    return dossier_statistics(agency=agency, agency_ids=ids, period=period, top=top)
