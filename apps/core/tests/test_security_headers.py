import pytest

pytestmark = pytest.mark.django_db


def test_home_page_carries_an_enforced_csp_without_unsafe_inline(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_forbid_framing_and_sniffing(client):
    response = client.get("/tai-khoan/dang-nhap/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_unknown_pages_answer_a_vietnamese_404(client, settings):
    settings.DEBUG = False

    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
