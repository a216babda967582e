"""Public catalogue pages: home with browse counts, search results with filters, one procedure."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from apps.procedures.models import Procedure
from apps.procedures.search import catalogue_query

from .forms import CatalogueSearchForm
from .selectors import catalogue_home, catalogue_results, filter_choices, public_procedure_page, with_deadlines

PAGE_SIZE = 20


def submit_url(procedure: Procedure) -> str | None:
    """Where "Nộp hồ sơ trực tuyến" leads (``portal:submit-start``), or None while that page is absent."""
    for kwargs in ({"uuid": procedure.uuid}, {"code": procedure.code}):
        try:
            return reverse("portal:submit-start", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


@require_GET
def catalogue_home_page(request):
    return render(request, "portal/catalogue/home.html", {"home": catalogue_home()})


@require_GET
def catalogue_search_page(request):
    sectors, agencies, life_events = filter_choices()
    form = CatalogueSearchForm(request.GET, sectors=sectors, agencies=agencies, life_events=life_events)
    form.is_valid()
    text = form.cleaned_data.get("q", "")
    filters = form.filters()
    query = catalogue_query(text)
    page = Paginator(catalogue_results(query=query, **filters), PAGE_SIZE).get_page(request.GET.get("trang"))
    page.object_list = with_deadlines(list(page.object_list))
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "form": form,
        "query": query,
        "page": page,
        "filtered": bool(filters),
        "params": params.urlencode(),
        "filter_problem": bool(form.errors),
    }
    return render(request, "portal/catalogue/results.html", context)


@require_GET
def procedure_page(request, uuid):
    try:
        page = public_procedure_page(uuid)
    except Procedure.DoesNotExist:
        raise Http404 from None
    can_apply = page.version is not None
    return render(
        request,
        "portal/catalogue/procedure.html",
        {
            "page": page,
            "procedure": page.procedure,
            "version": page.version,
            "submit_url": submit_url(page.procedure) if can_apply else None,
        },
    )
