"""Suite-wide fixtures.

``client`` is Django's test client whose ``force_login`` also passes the second factor for
officials (as if they had entered their TOTP code), since nearly every workspace test needs that;
``force_login(user, verified=False)`` gives a session that has not passed it. The journey tests
and the two-factor tests go through the real pages instead.
"""

import pytest
from django.db import connection
from django.test import Client


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"egov database engine: {engine}"]


class EgovClient(Client):
    def force_login(self, user, backend=None, *, verified: bool = True):
        super().force_login(user, backend)
        if verified and getattr(user, "is_official", False):
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="Thiết bị thử", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return EgovClient()


@pytest.fixture
def db_vendor(db) -> str:
    return connection.vendor


@pytest.fixture(scope="session", autouse=True)
def _url_map_loaded_outside_frozen_time():
    """Load the URL map (and with it the API's pydantic schemas) before any test freezes time:
    schemas built while freezegun has replaced ``datetime`` cannot be generated, so a test run
    alone under ``freeze_time`` would fail where the same test passes in the whole suite."""
    import egov.urls  # noqa: F401
