"""The demo exchange: made through the actions on the demo agencies, fast, and only once."""

import pytest

from apps.core.demo import demo_steps
from apps.exchange.demo import DEMO_PREFIX, demo_exchange
from apps.exchange.edxml import StatusCode
from apps.exchange.models import IncomingPackage, Kind, OutgoingPackage, QuarantinedPackage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_agencies(settings, tmp_path):
    settings.SIGNING_ENABLED = True
    settings.SIGNING_DATA_DIR = tmp_path / "signing"  # the embedded demo CA, seal and TSA, made here
    for step in demo_steps():
        if step.order < 30:
            step.run(lambda message: None)


def test_demo_exchange_sends_answers_and_quarantines_through_the_actions(
    demo_agencies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demo_exchange(lambda message: None)

    sent = OutgoingPackage.objects.filter(kind=Kind.DOCUMENT, document_id__startswith=DEMO_PREFIX)
    assert sent.count() == 6 and set(sent.values_list("state", flat=True)) == {"sent"}
    assert IncomingPackage.objects.filter(document_id__startswith=DEMO_PREFIX).count() == 6  # the repeat arrived once
    by_subject = {p.subject: p for p in sent}
    done = by_subject["Tờ trình đề nghị hỗ trợ kinh phí khắc phục hậu quả bão số 5"]
    assert [s.status_code for s in done.statuses.all()] == [1, 3, 5, 6]
    assert by_subject["Báo cáo tình hình giải quyết thủ tục hành chính quý IV"].last_status_code == StatusCode.ARRIVED
    assert by_subject["Công văn gửi nhầm nơi nhận"].last_status_code == StatusCode.REFUSED
    assert QuarantinedPackage.objects.count() == 1
    assert set(IncomingPackage.objects.values_list("envelope_signature", flat=True)) == {"valid"}  # sealed envelopes
    # the demo clerk (vanthu, Sở Khoa học và Công nghệ) finds one sent and one received in the log
    assert sent.get(agency__name="Sở Khoa học và Công nghệ").code_notation == "SKHCN-VP"
    assert IncomingPackage.objects.filter(agency__name="Sở Khoa học và Công nghệ").count() == 1
    assert sent.exclude(receipt=None).count() == 6  # receipts sealed by the task (immediate in tests)


def test_demo_exchange_runs_once(demo_agencies):
    demo_exchange(lambda message: None)
    counts = (OutgoingPackage.objects.count(), IncomingPackage.objects.count(), QuarantinedPackage.objects.count())

    demo_exchange(lambda message: None)

    assert (
        OutgoingPackage.objects.count(),
        IncomingPackage.objects.count(),
        QuarantinedPackage.objects.count(),
    ) == counts
