"""Public home page, health check and task-progress pages."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .actions import demo_rebuild_request
from .exemptions import two_factor_exempt
from .messaging import outbox_items
from .models import TaskProgress, WorkerHeartbeat


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
