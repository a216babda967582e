"""Counting attempts per key in the shared cache (one for all web processes), to refuse floods.

``throttle_hit("feedback:ip", address, limit=5, window=3600)`` counts one attempt and says whether
that key is now over ``limit`` within ``window`` seconds (a fixed window that starts at the key's
first attempt). Keys are hashed, so addresses, phone numbers or codes never sit in the cache.

The entry keeps its own window end: the cache's ``incr`` would give the key the default timeout
again on every attempt, so a window of an hour would end five minutes after the last attempt. The
count is read and written back, not incremented in place: attempts made at the very same moment
may be counted once, which a flood limit can afford.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone


def throttle_hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``key`` in ``scope``; True when it is over ``limit`` in this window."""
    name = f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
    now = timezone.now().timestamp()
    count, ends = cache.get(name) or (0, 0.0)
    if ends <= now:
        count, ends = 0, now + window
    count += 1
    cache.set(name, (count, ends), timeout=max(1, int(ends - now) + 1))
    return count > limit
