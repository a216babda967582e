"""Two people acting on the same feedback or dossier at the same moment, in real threads with their
own connections (row locks on PostgreSQL, serialised writers on SQLite)."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from apps.audit.models import AuditEvent
from apps.feedback import actions
from apps.feedback.errors import FeedbackError
from apps.feedback.models import DossierRating, Feedback, FeedbackState, RatingLevel

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls):
    """Run each call in its own thread, released together; return (results, errors) by call."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list = [None] * len(calls)
    errors: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as error:  # reported to the main thread, which checks it
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


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
