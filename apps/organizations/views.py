"""Read-only agency pages of the officials' workspace: the directory on a day and one agency's history."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from .forms import DirectoryFilterForm
from .models import Agency
from .selectors import agency_get, agency_history, agency_state_on, agency_tree_on


def _require_official(request) -> None:
    if not getattr(request.user, "is_official", False):
        raise PermissionDenied


@login_required
def directory(request):
    _require_official(request)
    today = timezone.localdate()
    form = DirectoryFilterForm(request.GET or None)
    day, query = today, ""
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["ngay"] or today
        query = form.cleaned_data["q"]
    tree = agency_tree_on(day, query=query)
    return render(
        request,
        "organizations/directory.html",
        {"form": form, "day": day, "today": today, "query": query, "tree": tree},
    )


@login_required
def agency_detail(request, uuid):
    _require_official(request)
    try:
        agency = agency_get(uuid)
    except Agency.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    history = agency_history(agency, today)
    state_today = agency_state_on(agency, today)
    return render(
        request,
        "organizations/agency_detail.html",
        {"agency": agency, "history": history, "state_today": state_today, "today": today},
    )
