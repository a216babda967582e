"""Pages: rating one's own dossier, sending feedback, the public answers, the officials' inbox and figures."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core import menu
from apps.feedback import actions
from apps.feedback.models import DossierRating, Feedback, FeedbackState, RatingLevel


def count_queries(client, url) -> int:
    client.get(url)  # the first request of a session also records the official's activity
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def send(world, n=1, *, agency=None, **extra):
    made = []
    for i in range(n):
        values = {
            "actor": AnonymousUser(),
            "agency": agency or world.department,
            "name": "Nguyễn Thị Lan",
            "phone": "0912345678",
            "title": f"Phản ánh số {i}",
            "content": "Nội dung phản ánh",
            **extra,
        }
        made.append(actions.feedback_submit(**values))
    return made


# --- rating ----------------------------------------------------------------------------------------
def test_the_applicant_rates_on_the_page(client, world, returned):
    dossier = returned()
    client.force_login(world.applicant)
    url = reverse("feedback:rate", args=[dossier.uuid])

    page = client.get(url).content.decode()
    assert 'type="radio"' in page and "<fieldset" in page
    response = client.post(url, {"level": "1", "aspects": ["result"], "comment": "Nhanh gọn"})

    assert response.status_code == 302 and response.url == url
    rating = DossierRating.objects.get(dossier=dossier)
    assert (rating.level, rating.aspects, rating.comment) == (RatingLevel.VERY_SATISFIED, ["result"], "Nhanh gọn")
    again = client.get(url).content.decode()
    assert '<form method="post" class="card"' not in again
    assert "Nhanh gọn" in again


def test_rating_twice_by_a_stale_form_is_refused_with_a_message(client, world, returned):
    dossier = returned()
    actions.dossier_rate(actor=world.applicant, dossier=dossier, level=RatingLevel.SATISFIED)
    client.force_login(world.applicant)

    response = client.post(reverse("feedback:rate", args=[dossier.uuid]), {"level": "3"})

    assert response.status_code == 200
    assert "mỗi hồ sơ chỉ đánh giá một lần" in response.content.decode()
    assert DossierRating.objects.get().level == RatingLevel.SATISFIED


def test_a_dossier_not_finished_shows_no_form_and_refuses_a_post(client, world, lodge):
    dossier = lodge()
    client.force_login(world.applicant)
    url = reverse("feedback:rate", args=[dossier.uuid])

    assert 'name="level"' not in client.get(url).content.decode()
    response = client.post(url, {"level": "1"})
    assert "chưa được trả kết quả" in response.content.decode()
    assert not DossierRating.objects.exists()


def test_another_applicants_dossier_is_not_found(client, world, returned):
    dossier = returned()
    client.force_login(world.other_applicant)
    url = reverse("feedback:rate", args=[dossier.uuid])

    assert client.get(url).status_code == 404
    assert client.post(url, {"level": "3"}).status_code == 404
    assert not DossierRating.objects.exists()


def test_rating_needs_signing_in(client, world, returned):
    dossier = returned()
    response = client.get(reverse("feedback:rate", args=[dossier.uuid]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


# --- sending ---------------------------------------------------------------------------------------
def test_anonymous_feedback_with_a_bad_phone_is_refused_then_sent(client, world):
    url = reverse("feedback:submit")
    values = {
        "kind": "feedback",
        "agency": str(world.department.uuid),
        "name": "Nguyễn Thị Lan",
        "phone": "0123",
        "title": "Chờ lâu",
        "content": "Tôi phải chờ hai giờ.",
    }

    refused = client.post(url, values)
    assert refused.status_code == 200
    assert "Số điện thoại không hợp lệ" in refused.content.decode()
    assert not Feedback.objects.exists()

    response = client.post(url, {**values, "phone": "0912 345 678"})
    feedback = Feedback.objects.get()
    assert response.status_code == 302 and response.url == reverse("feedback:submitted", args=[feedback.uuid])
    receipt = client.get(response.url).content.decode()
    assert "Sở Xây dựng" in receipt
    assert client.__class__().get(response.url).status_code == 404  # another browser sees no receipt


def test_empty_content_and_unknown_agency_are_refused(client, world):
    response = client.post(
        reverse("feedback:submit"),
        {"kind": "feedback", "agency": "not-an-agency", "name": "Lan", "phone": "0912345678", "title": "T"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_signed_in_applicant_chooses_one_of_their_dossiers(client, world, lodge):
    mine, theirs = lodge(), lodge(by=world.other_applicant)
    client.force_login(world.applicant)
    url = reverse("feedback:submit")

    page = client.get(url).content.decode()
    assert str(mine.uuid) in page and str(theirs.uuid) not in page
    tampered = client.post(url, {"kind": "feedback", "dossier": str(theirs.uuid), "title": "T", "content": "N"})
    assert tampered.status_code == 200 and not Feedback.objects.exists()
    client.post(url, {"kind": "recommendation", "dossier": str(mine.uuid), "title": "T", "content": "N"})
    feedback = Feedback.objects.get()
    assert (feedback.dossier, feedback.agency, feedback.submitter) == (mine, world.department, world.applicant)


# --- public answers --------------------------------------------------------------------------------
def publish(world, feedback):
    actions.feedback_answer(actor=world.desk, feedback=feedback, answer="Đã chấn chỉnh.")
    actions.feedback_publish(actor=world.leader, feedback=feedback)


def test_published_answers_show_initials_never_the_name_or_phone(client, world):
    public, private = send(world, 2)
    publish(world, public)

    page = client.get(reverse("feedback:public-list")).content.decode()
    assert public.title in page and private.title not in page
    assert "N. T. L." in page
    detail = client.get(reverse("feedback:public-detail", args=[public.uuid])).content.decode()
    assert "Đã chấn chỉnh." in detail and "N. T. L." in detail
    for secret in ("Nguyễn Thị Lan", "0912345678", "912345678"):
        assert secret not in page and secret not in detail
    assert client.get(reverse("feedback:public-detail", args=[private.uuid])).status_code == 404


def test_public_list_query_count_does_not_grow(client, world):
    for feedback in send(world, 2):
        publish(world, feedback)
    few = count_queries(client, reverse("feedback:public-list"))
    for feedback in send(world, 6):
        publish(world, feedback)
    assert count_queries(client, reverse("feedback:public-list")) == few


# --- officials -------------------------------------------------------------------------------------
def test_the_inbox_lists_overdue_first_and_only_the_agencys_feedback(client, world):
    recent, old = send(world, 2)
    Feedback.objects.filter(pk=old.pk).update(deadline_at=timezone.now() - timedelta(days=1))
    [elsewhere] = send(world, agency=world.other, title="Sở Tư pháp")
    client.force_login(world.handler)  # in a unit of the department: works on the department's feedback

    page = client.get(reverse("feedback:inbox")).content.decode()
    assert page.index(old.title) < page.index(recent.title)
    assert "Sở Tư pháp" not in page
    assert client.get(reverse("feedback:detail", args=[elsewhere.uuid])).status_code == 404
    assert client.post(reverse("feedback:answer", args=[elsewhere.uuid]), {"answer": "X"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == FeedbackState.RECEIVED


def test_inbox_query_count_does_not_grow(client, world, lodge):
    client.force_login(world.leader)
    send(world, 2)
    few = count_queries(client, reverse("feedback:inbox"))
    send(world, 5)
    [assigned] = send(world)
    actions.feedback_assign(actor=world.leader, feedback=assigned, assignee=world.handler)
    actions.feedback_submit(actor=world.applicant, dossier=lodge(), title="Về hồ sơ", content="N")
    assert count_queries(client, reverse("feedback:inbox")) == few


def test_assign_answer_and_publish_through_the_pages(client, world):
    [feedback] = send(world)
    client.force_login(world.leader)
    detail = reverse("feedback:detail", args=[feedback.uuid])
    page = client.get(detail).content.decode()
    assert "0912345678" in page  # the agency sees how to reach the sender
    assert str(world.handler.uuid) in page and str(world.outsider.uuid) not in page

    assert (
        client.post(reverse("feedback:assign", args=[feedback.uuid]), {"assignee": str(world.handler.uuid)}).url
        == detail
    )
    empty = client.post(reverse("feedback:answer", args=[feedback.uuid]), {"answer": ""})
    assert empty.status_code == 400
    client.post(reverse("feedback:answer", args=[feedback.uuid]), {"answer": "Chúng tôi đã xử lý."})
    client.post(reverse("feedback:publish", args=[feedback.uuid]))

    feedback.refresh_from_db()
    assert (feedback.state, feedback.assignee, feedback.answered_by) == ("published", world.handler, world.leader)


def test_a_desk_officer_sees_no_assign_or_publish_controls(client, world):
    [feedback] = send(world)
    client.force_login(world.desk)
    page = client.get(reverse("feedback:detail", args=[feedback.uuid])).content.decode()
    assert reverse("feedback:assign", args=[feedback.uuid]) not in page
    assert reverse("feedback:answer", args=[feedback.uuid]) in page
    response = client.post(reverse("feedback:assign", args=[feedback.uuid]), {"assignee": str(world.handler.uuid)})
    assert response.status_code == 400
    feedback.refresh_from_db()
    assert feedback.assignee is None


def test_citizens_have_no_inbox(client, world):
    client.force_login(world.applicant)
    assert client.get(reverse("feedback:inbox")).status_code == 403


def test_figures_per_agency_in_constant_queries(client, world, returned):
    dossier = returned()
    actions.dossier_rate(actor=world.applicant, dossier=dossier, level=RatingLevel.VERY_SATISFIED)
    [late, on_time] = send(world, 2)
    Feedback.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - timedelta(days=1))
    actions.feedback_answer(actor=world.desk, feedback=on_time, answer="Đã xử lý")
    send(world, agency=world.other)
    client.force_login(world.leader)

    few = count_queries(client, reverse("feedback:figures"))
    page = client.get(reverse("feedback:figures")).content.decode()
    assert "Sở Xây dựng" in page and "Sở Tư pháp" not in page
    assert "100 %" in page and "1/1" in page
    returned_again = returned(by=world.other_applicant)
    actions.dossier_rate(actor=world.other_applicant, dossier=returned_again, level=RatingLevel.DISSATISFIED)
    send(world, 4)
    assert count_queries(client, reverse("feedback:figures")) == few


@pytest.mark.parametrize(("who", "visible"), [("desk", True), ("leader", True), ("applicant", False)])
def test_the_workspace_menu_has_the_inbox_for_officials(world, who, visible):
    keys = {entry.key for entry in menu.entries_for(getattr(world, who))}
    assert ("feedback.inbox" in keys) is visible


def test_a_flood_of_anonymous_feedback_from_one_address_is_refused_and_changes_nothing(client, world):
    from apps.feedback.views import ANONYMOUS_LIMIT

    url = reverse("feedback:submit")
    values = {
        "kind": "feedback",
        "agency": str(world.department.uuid),
        "name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "title": "Chờ lâu",
        "content": "Tôi phải chờ hai giờ.",
    }
    for _ in range(ANONYMOUS_LIMIT):
        assert client.post(url, values, REMOTE_ADDR="203.0.113.7").status_code == 302

    refused = client.post(url, values, REMOTE_ADDR="203.0.113.7")

    assert refused.status_code == 429 and "nhiều phản ánh" in refused.content.decode()
    assert Feedback.objects.count() == ANONYMOUS_LIMIT
    assert client.post(url, values, REMOTE_ADDR="198.51.100.9").status_code == 302  # another address
