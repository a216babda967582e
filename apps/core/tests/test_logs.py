"""Every request gets an id and one JSON log line that carries no personal data."""

import json
import logging
import re

import pytest

from apps.accounts.actions import official_create
from apps.core.logs import JsonFormatter, RequestIdFilter


class ListHandler(logging.Handler):
    """Keep formatted records, with the same filter and formatter as the console handler."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def request_log():
    handler = ListHandler()
    logger = logging.getLogger("egov.request")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_response_has_generated_request_id(client):
    response = client.get("/healthz")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_well_formed_incoming_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-7f3a.b2_c9"})

    assert response["X-Request-ID"] == "proxy-7f3a.b2_c9"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        pytest.param("has spaces 12345", id="spaces"),
        pytest.param("a" * 65, id="too-long"),
        pytest.param("short", id="too-short"),
        pytest.param("abcdefgh\n", id="trailing-newline"),
        pytest.param("abcdefgh\nSet-Cookie: x=1", id="header-injection"),
        pytest.param("mã-tiếng-việt-123", id="non-ascii"),
    ],
)
def test_malformed_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_request_log_line_is_json_with_request_fields(client, request_log):
    response = client.get("/healthz", headers={"X-Request-ID": "req-12345678"})

    assert len(request_log) == 1
    record = json.loads(request_log[0])
    assert record["logger"] == "egov.request"
    assert record["request_id"] == response["X-Request-ID"] == "req-12345678"
    assert record["method"] == "GET"
    assert record["path"] == "/healthz"
    assert record["status"] == 200
    assert record["user"] is None


@pytest.mark.django_db
def test_login_post_logs_no_personal_data(client, request_log):
    official = official_create(
        username="nguyenvana",
        full_name="Nguyễn Văn A",
        email="vana@example.vn",
        password="Bi-mat-rat-dai-2026",
        roles=[],
    )

    response = client.post(
        "/tai-khoan/dang-nhap/?so_dien_thoai=0912345678&next=/tai-khoan/lam-viec/",
        {"username": "nguyenvana", "password": "Bi-mat-rat-dai-2026"},
        REMOTE_ADDR="203.0.113.45",
    )

    assert response.status_code == 302  # signed in
    assert len(request_log) == 1
    line = request_log[0]
    record = json.loads(line)
    assert record["method"] == "POST"
    assert record["path"] == "/tai-khoan/dang-nhap/"
    assert record["status"] == 302
    assert record["user"] == str(official.uuid)
    for personal in ("nguyenvana", "Bi-mat-rat-dai-2026", "0912345678", "so_dien_thoai", "203.0.113.45", "Nguyễn"):
        assert personal not in line
    assert "?" not in line


@pytest.mark.django_db
def test_failed_login_logs_no_personal_data(client, request_log):
    response = client.post(
        "/tai-khoan/dang-nhap/?so_dien_thoai=0912345678",
        {"username": "nguyenvanb", "password": "Sai-mat-khau-2026"},
    )

    assert response.status_code == 200
    line = request_log[0]
    for personal in ("nguyenvanb", "Sai-mat-khau-2026", "0912345678", "127.0.0.1"):
        assert personal not in line
