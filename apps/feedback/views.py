"""Pages of ratings and feedback: parse the request, call one action or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.middleware import client_ip
from apps.core.throttle import throttle_hit

from . import selectors
from .actions import dossier_rate, feedback_answer, feedback_assign, feedback_publish, feedback_submit
from .errors import FeedbackError
from .forms import AnswerForm, AssignForm, FeedbackForm, PublicFilterForm, RatingForm
from .models import FeedbackState

PAGE_SIZE = 20
INBOX_ROWS = 200
SESSION_KEY = "feedback_sent"  # UUIDs of feedback sent from this browser (anonymous senders' receipt page)


# --- public ----------------------------------------------------------------------------------------
@require_GET
def public_list(request):
    agencies = list(selectors.agencies_for_feedback())
    form = PublicFilterForm(request.GET or None, agencies=agencies)
    agency = form.agencies.get(form.cleaned_data.get("agency", "")) if form.is_valid() else None
    page = Paginator(selectors.published_feedback(agency=agency), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "feedback/public_list.html", {"form": form, "page": page, "agency": agency})


@require_GET
def public_detail(request, uuid):
    feedback = selectors.published_get(uuid)
    if feedback is None:
        raise Http404
    return render(request, "feedback/public_detail.html", {"feedback": feedback})


# Floods of feedback would bury real ones under work with legal deadlines: an address sends a few
# anonymous ones an hour, an account a few dozen a day (both values chosen here, not from a rule).
ANONYMOUS_LIMIT, ANONYMOUS_WINDOW = 5, 60 * 60
ACCOUNT_LIMIT, ACCOUNT_WINDOW = 20, 24 * 60 * 60
THROTTLED = "Bạn đã gửi nhiều phản ánh, kiến nghị trong thời gian ngắn. Vui lòng thử lại sau."


def _submission_throttled(request) -> bool:
    if request.user.is_authenticated:
        return throttle_hit("feedback:user", str(request.user.pk), limit=ACCOUNT_LIMIT, window=ACCOUNT_WINDOW)
    address = client_ip(request) or "unknown"
    return throttle_hit("feedback:ip", address, limit=ANONYMOUS_LIMIT, window=ANONYMOUS_WINDOW)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    signed_in = request.user.is_authenticated
    form = FeedbackForm(
        request.POST or None,
        agencies=selectors.agencies_for_feedback(),
        dossiers=selectors.dossiers_for_feedback(request.user),
        signed_in=signed_in,
    )
    if request.method == "POST" and _submission_throttled(request):
        form.add_error(None, THROTTLED)
        return render(request, "feedback/submit.html", {"form": form, "signed_in": signed_in}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = feedback_submit(
                actor=request.user,
                kind=data["kind"],
                agency=data["agency_obj"],
                dossier=data["dossier_obj"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                title=data["title"],
                content=data["content"],
            )
        except FeedbackError as error:
            form.add_error(None, error.message)
        else:
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-19:], str(feedback.uuid)]
            return redirect("feedback:submitted", uuid=feedback.uuid)
    return render(request, "feedback/submit.html", {"form": form, "signed_in": signed_in})


@never_cache
@require_GET
def submitted(request, uuid):
    """The receipt: only for the browser that sent it (no personal data is shown to anyone else)."""
    if str(uuid) not in request.session.get(SESSION_KEY, []):
        raise Http404
    feedback = selectors.feedback_sent_get(uuid)
    if feedback is None:
        raise Http404
    return render(request, "feedback/submitted.html", {"feedback": feedback})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def rate(request, uuid):
    dossier = selectors.dossier_for_rating(request.user, uuid)
    if dossier is None:
        raise Http404
    rating = getattr(dossier, "rating", None)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier_rate(
                actor=request.user,
                dossier=dossier,
                level=form.cleaned_data["level"],
                aspects=form.cleaned_data["aspects"],
                comment=form.cleaned_data["comment"],
            )
        except FeedbackError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you: your rating has been recorded."))
            return redirect("feedback:rate", uuid=dossier.uuid)
    return render(request, "feedback/rate.html", {"dossier": dossier, "rating": rating, "form": form})


# --- officials -------------------------------------------------------------------------------------
def _feedback_or_404(request, uuid):
    feedback = selectors.feedback_get_for_official(request.user, uuid)
    if feedback is None:
        raise Http404
    return feedback


@login_required
@permission_required(selectors.VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def inbox(request):
    state = request.GET.get("trang_thai", "")
    state = state if state in FeedbackState.values else ""
    rows = list(selectors.feedback_inbox(request.user, state=state)[:INBOX_ROWS])
    return render(request, "feedback/inbox.html", {"rows": rows, "state": state, "states": FeedbackState.choices})


@login_required
@permission_required(selectors.VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def figures(request):
    return render(request, "feedback/figures.html", {"figures": selectors.figures_for_official(request.user)})


def _detail_context(request, feedback, *, answer_form=None, assign_form=None) -> dict:
    can_manage = selectors.feedback_in_scope(request.user, feedback, selectors.PUBLISH_PERMISSION)
    can_manage = can_manage and request.user.has_perm(selectors.PUBLISH_PERMISSION)
    officials = list(selectors.assignees_for(feedback)) if can_manage and feedback.is_open else []
    return {
        "feedback": feedback,
        "can_manage": can_manage,
        "answer_form": answer_form or AnswerForm(),
        "assign_form": assign_form or AssignForm(officials=officials),
    }


@login_required
@permission_required(selectors.VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def detail(request, uuid):
    feedback = _feedback_or_404(request, uuid)
    return render(request, "feedback/detail.html", _detail_context(request, feedback))


@login_required
@permission_required(selectors.VIEW_PERMISSION, raise_exception=True)
@require_POST
def assign(request, uuid):
    feedback = _feedback_or_404(request, uuid)
    form = AssignForm(request.POST, officials=selectors.assignees_for(feedback))
    if form.is_valid():
        try:
            assignee = form.officials[form.cleaned_data["assignee"]]
            feedback_assign(actor=request.user, feedback=feedback, assignee=assignee)
        except FeedbackError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The feedback has been assigned."))
            return redirect("feedback:detail", uuid=feedback.uuid)
    context = _detail_context(request, feedback, assign_form=form)
    return render(request, "feedback/detail.html", context, status=400)


@login_required
@permission_required(selectors.VIEW_PERMISSION, raise_exception=True)
@require_POST
def answer(request, uuid):
    feedback = _feedback_or_404(request, uuid)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            feedback_answer(actor=request.user, feedback=feedback, answer=form.cleaned_data["answer"])
        except FeedbackError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The answer has been saved and sent to the citizen."))
            return redirect("feedback:detail", uuid=feedback.uuid)
    context = _detail_context(request, feedback, answer_form=form)
    return render(request, "feedback/detail.html", context, status=400)


@login_required
@permission_required(selectors.VIEW_PERMISSION, raise_exception=True)
@require_POST
def publish(request, uuid):
    feedback = _feedback_or_404(request, uuid)
    try:
        feedback_publish(actor=request.user, feedback=feedback)
    except FeedbackError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The answer is now public on the portal."))
    return redirect("feedback:detail", uuid=feedback.uuid)
