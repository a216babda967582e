"""Public home page, health check and task-progress pages."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .actions import calendar_override_remove, calendar_override_set, demo_rebuild_request
from .errors import DomainError
from .exemptions import two_factor_exempt
from .forms import CalendarOverrideForm
from .messaging import outbox_items
from .models import CalendarOverride, TaskProgress, WorkerHeartbeat
from .working_days import WorkingCalendar, get_calendar


@two_factor_exempt
def home(request):
    return render(request, "core/home.html")


@two_factor_exempt
@never_cache
@require_GET
def healthz(request):
    """Report the database and the background worker; 503 when either is down."""
    checks: dict[str, dict] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as error:  # reported, not raised: this page must answer while the DB is down
        healthy = False
        checks["database"] = {"ok": False, "error": type(error).__name__}

    if settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend"):
        checks["worker"] = {"ok": True, "mode": "immediate"}
    elif checks["database"]["ok"]:
        cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
        alive = WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff)
        latest = WorkerHeartbeat.objects.order_by("-last_seen_at").first()
        count = alive.count()
        checks["worker"] = {
            "ok": count > 0,
            "alive": count,
            "last_seen_seconds": (round((timezone.now() - latest.last_seen_at).total_seconds(), 1) if latest else None),
        }
        healthy = healthy and count > 0
    else:
        checks["worker"] = {"ok": False, "error": "database unavailable"}
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)


@login_required
@permission_required("core.rebuild_demo", raise_exception=True)
@require_http_methods(["GET", "POST"])
def demo_rebuild(request):
    if request.method == "POST":
        progress = demo_rebuild_request(actor=request.user)
        return redirect("core:task-progress", progress_uuid=progress.uuid)
    recent = TaskProgress.objects.filter(kind="demo_rebuild").select_related("requested_by")[:10]
    return render(request, "core/demo_rebuild.html", {"recent": recent})


@login_required
@never_cache
def task_progress(request, progress_uuid):
    try:
        progress = TaskProgress.objects.get(uuid=progress_uuid)
    except TaskProgress.DoesNotExist:
        raise Http404 from None
    if progress.requested_by_id != request.user.pk and not request.user.has_perm("core.view_taskprogress"):
        raise Http404
    template = "core/_task_progress.html" if request.htmx else "core/task_progress.html"
    return render(request, template, {"progress": progress})


@two_factor_exempt
@never_cache
def dev_outbox(request):
    """SMS and e-mails the embedded adapters wrote (never in production)."""
    if settings.PRODUCTION:
        raise Http404
    return render(request, "core/dev_outbox.html", {"items": outbox_items()})


@login_required
@permission_required("core.manage_calendar", raise_exception=True)
@require_http_methods(["GET", "POST"])
def calendar_year(request):
    """The working-day calendar of a year: the package's holidays and the administrator's overrides."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            override = calendar_override_set(
                actor=request.user,
                day=form.cleaned_data["day"],
                is_working_day=form.cleaned_data["is_working_day"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã ghi điều chỉnh lịch ngày {override.day:%d/%m/%Y}.")
            return redirect(f"{request.path}?nam={override.day.year}")
    package = WorkingCalendar()
    holidays = []
    for day in sorted(d for d in _year_days(year) if not package.is_working_day(d) and d.weekday() < 5):
        holidays.append({"day": day, "name": package.holiday_name(day) or ""})
    makeup = sorted(d for d in package.days_on if d.year == year)
    overrides = CalendarOverride.objects.filter(day__year=year).select_related("created_by")
    calendar = get_calendar()
    working_days = calendar.working_days_in(date(year, 1, 1), date(year, 12, 31))
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "form": form,
            "holidays": holidays,
            "makeup": makeup,
            "overrides": overrides,
            "working_days": working_days,
        },
    )


def _year_days(year: int):
    current = date(year, 1, 1)
    while current.year == year:
        yield current
        current = date.fromordinal(current.toordinal() + 1)


@login_required
@permission_required("core.manage_calendar", raise_exception=True)
@require_http_methods(["POST"])
def calendar_override_delete(request, override_uuid):
    override = CalendarOverride.objects.filter(uuid=override_uuid).first()
    if override is None:
        raise Http404
    try:
        calendar_override_remove(actor=request.user, day=override.day)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã xóa điều chỉnh ngày {override.day:%d/%m/%Y}.")
    return redirect(f"{reverse('core:calendar')}?nam={override.day.year}")
