"""The demo step rates returned dossiers and sends, answers and publishes feedback through the actions."""

from apps.audit.models import AuditEvent
from apps.feedback.demo import FEEDBACK, PUBLISHED, demo_feedback
from apps.feedback.models import DossierRating, Feedback, FeedbackState


def test_demo_feedback_goes_through_the_actions_and_runs_twice_safely(world, returned, lodge):
    returned(), returned(by=world.other_applicant), lodge()

    demo_feedback(lambda message: None)
    demo_feedback(lambda message: None)

    assert DossierRating.objects.count() == 2
    assert Feedback.objects.count() == len(FEEDBACK)
    assert Feedback.objects.filter(state=FeedbackState.PUBLISHED).count() == PUBLISHED
    assert Feedback.objects.filter(state=FeedbackState.ANSWERED).count() == 2
    assert Feedback.objects.filter(state=FeedbackState.RECEIVED).count() == 2
    assert set(Feedback.objects.values_list("agency", flat=True)) == {world.department.pk, world.other.pk}
    assert AuditEvent.objects.filter(action="feedback.feedback_submit").count() == len(FEEDBACK)
    assert AuditEvent.objects.filter(action="feedback.dossier_rate").count() == 2
