"""The demo citizen's online submissions are made through the portal actions, once."""

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.dossiers.models import Dossier
from apps.dossiers.statuses import Channel, Status
from apps.portal.demo import DEMO_CITIZEN
from apps.portal.models import SubmissionDraft

pytestmark = pytest.mark.django_db


def test_the_demo_citizen_has_a_submitted_dossier_and_a_draft_to_resume(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    citizen = User.objects.get(username=DEMO_CITIZEN)
    submitted = SubmissionDraft.objects.get(applicant=citizen, state=SubmissionDraft.State.SUBMITTED)
    assert SubmissionDraft.objects.filter(applicant=citizen, state=SubmissionDraft.State.DRAFT).count() == 1
    dossier = Dossier.objects.get(pk=submitted.dossier_id)
    assert (dossier.applicant, dossier.channel, dossier.status) == (citizen, Channel.ONLINE, Status.NEW)
    assert dossier.form_data and all(d.file for d in dossier.documents.all())

    call_command("seed_demo", verbosity=0)
    assert SubmissionDraft.objects.filter(applicant=citizen).count() == 2
