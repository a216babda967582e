"""The bench harness's measuring function runs and reports a ratio (the figure itself is for the bench)."""

import pytest

from apps.signing.benchmarks import seal_overhead
from apps.signing.models import SignedFile


@pytest.mark.django_db
def test_seal_overhead_reports_medians_and_leaves_nothing_behind(signing_settings, decision):
    timing = seal_overhead(decision, runs=2)

    assert timing.runs == 2 and timing.ours_median_s > 0 and timing.bare_median_s > 0
    assert set(timing.as_dict()) == {"runs", "ours_median_s", "bare_median_s", "ratio"}
    assert not SignedFile.objects.exists()
