"""The statistics page of the workspace and its XLSX export."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import StatisticsForm
from .presentation import (
    BREAKDOWN_COLUMNS,
    bar_chart,
    breakdown_rows,
    figure_rows,
    format_count,
    format_decimal,
    format_rate,
)
from .selectors import (
    STATISTICS_PERMISSION,
    dossier_statistics_for_user,
    statistics_agencies_for_user,
    statistics_default_agency,
)
from .xlsx import CONTENT_TYPE, statistics_workbook


def _statistics(request):
    """(form, agencies, statistics or None) for the query string; 404 for an agency out of scope."""
    form = StatisticsForm(request.GET)
    agencies = list(statistics_agencies_for_user(request.user))
    if not form.is_valid():
        return form, agencies, None
    chosen = form.cleaned_data.get("co_quan")
    if chosen is not None:
        agency = next((a for a in agencies if a.uuid == chosen), None)
        if agency is None:
            raise Http404
    else:
        agency = statistics_default_agency(request.user, agencies)
    if agency is None:
        return form, agencies, None
    return form, agencies, dossier_statistics_for_user(request.user, agency=agency, period=form.period)


@login_required
@permission_required(STATISTICS_PERMISSION, raise_exception=True)
@require_GET
def statistics_page(request):
    form, agencies, stats = _statistics(request)
    context = {"form": form, "agencies": agencies, "stats": stats}
    if stats is not None:
        context |= {
            "rows": figure_rows(stats.totals),
            "chart": bar_chart(stats),
            "handled": format_count(stats.totals.handled),
            "rate": format_rate(stats.totals.on_time_rate),
            "average_days": format_decimal(stats.average_days),
            "columns": [label for _key, label in BREAKDOWN_COLUMNS],
            "breakdowns": [
                ("procedure", breakdown_rows(stats.by_procedure)),
                ("sector", breakdown_rows(stats.by_sector)),
            ],
            "export_query": request.GET.urlencode(),
        }
    return render(request, "dossiers/reports/statistics.html", context)


@login_required
@permission_required(STATISTICS_PERMISSION, raise_exception=True)
@require_GET
def statistics_export(request):
    _form, _agencies, stats = _statistics(request)
    if stats is None:
        raise Http404
    response = HttpResponse(statistics_workbook(stats), content_type=CONTENT_TYPE)
    period = f"{stats.period.first:%Y%m%d}-{stats.period.last:%Y%m%d}"
    name = f"thong-ke-ho-so-{stats.agency.identifier or stats.agency.uuid}-{period}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
