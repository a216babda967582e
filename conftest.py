"""Suite-wide fixtures: say which database the run uses, so the output names it."""

import pytest
from django.db import connection


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"egov database engine: {engine}"]


@pytest.fixture
def db_vendor(db) -> str:
    return connection.vendor
