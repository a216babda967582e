"""``throttle_hit`` counts attempts per key in the shared cache and lets them in again after the window."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from freezegun import freeze_time

from apps.core.throttle import throttle_hit

pytestmark = pytest.mark.django_db


def test_attempts_over_the_limit_are_refused_per_key_until_the_window_ends():
    cache.clear()
    with freeze_time("2026-11-27 09:00:00+07:00") as clock:
        assert [throttle_hit("test", "203.0.113.7", limit=2, window=60) for _ in range(3)] == [False, False, True]
        assert throttle_hit("test", "198.51.100.9", limit=2, window=60) is False
        assert throttle_hit("other", "203.0.113.7", limit=2, window=60) is False

        clock.tick(timedelta(seconds=61))
        assert throttle_hit("test", "203.0.113.7", limit=2, window=60) is False


def test_keys_are_not_kept_in_clear():
    cache.clear()
    throttle_hit("test", "0912345678", limit=5, window=60)

    assert cache.get("throttle:test:0912345678") is None


def test_the_window_runs_from_the_first_attempt_not_the_last():
    cache.clear()
    with freeze_time("2026-11-27 09:00:00+07:00") as clock:
        for _ in range(12):  # one attempt every ten minutes for two hours, limit 3 an hour
            over = throttle_hit("test", "203.0.113.7", limit=3, window=3600)
            clock.tick(timedelta(minutes=10))
        assert over is True  # the 6th of each hour is refused: the window did not restart
