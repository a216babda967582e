"""A commune People's Committee and the province's Office on the platform, and a package between them."""

import datetime as dt

import pytest

from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UserFactory
from apps.exchange.edxml import Attachment, Organ, Package, Priority, SteeringType
from apps.organizations.models import Agency, Level
from apps.signing.tests.conftest import pki, signing_settings  # noqa: F401 - fixtures used by the receipt tests


@pytest.fixture(autouse=True)
def _signing_off_unless_asked(settings):
    """Envelopes are sealed only in tests that ask for the test PKI (``signing_settings`` turns it on);
    the others must not make the embedded demo seal under var/."""
    settings.SIGNING_ENABLED = False


PROVINCE_ID = "000.00.01.H27"  # Văn phòng UBND tỉnh Hà Tĩnh
COMMUNE_ID = "000.00.31.H27"
OTHER_ID = "000.00.32.H27"


@pytest.fixture
def province(db):
    return AgencyFactory(
        "Văn phòng UBND tỉnh Hà Tĩnh", identifier=PROVINCE_ID, category=Agency.Category.OFFICE, level=Level.PROVINCE
    )


@pytest.fixture
def commune(db):
    return AgencyFactory(
        "UBND xã Thạch Hà",
        identifier=COMMUNE_ID,
        category=Agency.Category.PEOPLES_COMMITTEE,
        level=Level.COMMUNE,
    )


@pytest.fixture
def commune_clerk(commune):
    return UserFactory(full_name="Lê Thị Văn Thư", roles=[Role.CLERK], agency=commune)


@pytest.fixture
def province_clerk(province):
    return UserFactory(full_name="Trần Văn Văn Thư", roles=[Role.CLERK], agency=province)


def make_package(*, sender=COMMUNE_ID, recipient=PROVINCE_ID, document_id="H27.31-2026-0001", number="15", **extra):
    values = {
        "sender": Organ(organ_id=sender, name="UBND xã Thạch Hà"),
        "recipients": (Organ(organ_id=recipient, name="Văn phòng UBND tỉnh Hà Tĩnh"),),
        "document_id": document_id,
        "code_number": number,
        "code_notation": "BC-UBND",
        "place": "Thạch Hà",
        "promulgation_date": dt.date(2026, 11, 20),
        "type_code": "1",
        "type_name": "Báo cáo",
        "subject": "Báo cáo kết quả chuyển đổi số năm 2026",
        "signer_competence": "TM. Ủy ban nhân dân",
        "signer_position": "Chủ tịch",
        "signer_name": "Nguyễn Văn Ký",
        "due_date": dt.date(2026, 12, 15),
        "priority": Priority.URGENT,
        "promulgation_amount": 3,
        "page_amount": 2,
        "steering_type": SteeringType.NONE,
        "attachments": (
            Attachment(content_id="att-1", name="bao-cao.pdf", content_type="application/pdf", data=b"%PDF-1.7 demo"),
        ),
    }
    values.update(extra)
    return Package(**values)
