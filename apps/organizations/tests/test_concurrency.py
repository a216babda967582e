"""Two officials recording conflicting reorganisations at once: the second sees the first's result."""

import threading
from datetime import date

import pytest
from django.db import connection

from apps.organizations.actions import Decision, agencies_merge
from apps.organizations.errors import OrganizationsError, OrganizationsErrorCode
from apps.organizations.models import Agency, ReorganisationEvent

from .factories import make_agency

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_agency_cannot_be_merged_twice_by_concurrent_requests(db_vendor):
    if db_vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL; SQLite serialises writers anyway")
    absorbed = make_agency("Sở Bị Tranh Chấp")
    first, second = make_agency("Sở Nhận Một"), make_agency("Sở Nhận Hai")
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def merge(into: Agency, number: str) -> None:
        try:
            barrier.wait()
            agencies_merge(
                actor=None,
                predecessors=[absorbed],
                into=into,
                effective_date=date(2025, 3, 1),
                decision=Decision(number),
            )
            outcomes.append("ok")
        except OrganizationsError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=merge, args=(first, "1/QĐ")),
        threading.Thread(target=merge, args=(second, "2/QĐ")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == sorted(["ok", OrganizationsErrorCode.EVENT_AFTER_AGENCY_ENDED], key=str)
    assert ReorganisationEvent.objects.count() == 1
    assert Agency.objects.get(pk=absorbed.pk).valid_to == date(2025, 2, 28)
