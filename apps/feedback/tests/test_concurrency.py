"""Two people acting on the same feedback or dossier at the same moment, in real threads with their
own connections (row locks on PostgreSQL, serialised writers on SQLite)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.audit.models import AuditEvent
from apps.feedback import actions
from apps.feedback.errors import FeedbackError
from apps.feedback.models import DossierRating, Feedback, FeedbackState, RatingLevel
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officials_answering_at_once_one_wins(world):
    feedback = actions.feedback_submit(
        actor=AnonymousUser(),
        agency=world.department,
        name="Nguyễn Thị Lan",
        phone="0912345678",
        title="Chờ lâu",
        content="Tôi phải chờ hai giờ.",
    )

    results, errors = at_once(
        lambda: actions.feedback_answer(actor=world.desk, feedback=feedback, answer="Trả lời của bộ phận một cửa"),
        lambda: actions.feedback_answer(actor=world.leader, feedback=feedback, answer="Trả lời của lãnh đạo"),
    )

    assert sum(error is None for error in errors) == 1
    loser = next(error for error in errors if error is not None)
    assert isinstance(loser, FeedbackError)
    assert "đã được người khác trả lời" in loser.message
    winner = next(result for result in results if result is not None)
    stored = Feedback.objects.get(pk=feedback.pk)
    assert stored.state == FeedbackState.ANSWERED
    assert (stored.answer, stored.answered_by_id) == (winner.answer, winner.answered_by_id)
    assert AuditEvent.objects.filter(action="feedback.feedback_answer", target_uuid=feedback.uuid).count() == 1


def test_a_double_click_on_rate_records_one_rating(world, returned):
    dossier = returned()

    _, errors = at_once(
        lambda: actions.dossier_rate(actor=world.applicant, dossier=dossier, level=RatingLevel.VERY_SATISFIED),
        lambda: actions.dossier_rate(actor=world.applicant, dossier=dossier, level=RatingLevel.VERY_SATISFIED),
    )

    assert sum(error is None for error in errors) == 1
    loser = next(error for error in errors if error is not None)
    assert isinstance(loser, FeedbackError) and "đã được đánh giá" in loser.message
    assert DossierRating.objects.filter(dossier=dossier).count() == 1
    assert AuditEvent.objects.filter(action="feedback.dossier_rate").count() == 1
