"""The REST API: OpenAPI, bearer tokens, intake, status changes, lookup and statistics."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from apps.accounts.api_tokens import api_token_issue, api_token_revoke
from apps.accounts.errors import AccountsError
from apps.accounts.roles import Role
from apps.dossiers import actions
from apps.dossiers.models import Dossier
from apps.dossiers.statuses import Status
from egov.api import api_token_for

from .test_reports import AFTER_NOVEMBER, EXPECTED, NOVEMBER, november, official  # noqa: F401

pytestmark = pytest.mark.django_db

API = "/api/v1"
DOCUMENTS = ["Đơn đề nghị cấp giấy phép xây dựng", "bản vẽ thiết kế"]  # case and accents need not match


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_for(user)}"}


def intake_body(**overrides) -> dict:
    return {
        "procedure_code": "1.009994",
        "agency": "000.00.14.H27",
        "applicant": {"name": "Đặng Quốc Khánh", "id_number": "042090001234", "phone": "0912345678"},
        "subject": "Xin cấp giấy phép xây dựng nhà ở riêng lẻ",
        "documents": DOCUMENTS,
        **overrides,
    }


def post(client, path, body, user=None, headers=None):
    headers = headers if headers is not None else (bearer(user) if user else {})
    return client.post(f"{API}{path}", body, content_type="application/json", headers=headers)


def received(world, register):
    return actions.dossier_receive(actor=world.desk, dossier=register())


# --- OpenAPI and docs -----------------------------------------------------------------------------
def test_openapi_lists_the_endpoints_and_the_bearer_scheme(client):
    response = client.get(f"{API}/openapi.json")

    schema = response.json()
    assert response.status_code == 200
    assert schema["info"] == {"title": "egov API", "version": "1", "description": schema["info"]["description"]}
    assert {p for p in schema["paths"] if not p.startswith(f"{API}/signing/")} == {
        f"{API}/dossiers/intake",
        f"{API}/dossiers/{{code}}/status",
        f"{API}/dossiers/{{code}}",
        f"{API}/statistics",
    }
    assert {"post"} == set(schema["paths"][f"{API}/dossiers/intake"])
    assert [p["name"] for p in schema["paths"][f"{API}/statistics"]["get"]["parameters"]] == ["agency", "from", "to"]
    assert schema["components"]["securitySchemes"]["OfficialToken"] == {"type": "http", "scheme": "bearer"}


def test_docs_page_uses_the_vendored_swagger_without_inline_script(client):
    response = client.get(f"{API}/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<script src="([^"]+)">', html) == [
        f"{API}/docs/assets/swagger-ui-bundle.js",
        f"{API}/docs/assets/swagger-ui-init.js",
    ]
    assert "cdn" not in html.lower() and " style=" not in html
    asset = client.get(f"{API}/docs/assets/swagger-ui-init.js")
    assert asset.status_code == 200 and asset["Content-Type"] == "text/javascript"
    assert client.get(f"{API}/docs/assets/..%2Fmain.py").status_code == 404


# --- authentication -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Bearer"}, id="empty"),
        pytest.param({"Authorization": "Bearer abc.def.ghi"}, id="garbage"),
        pytest.param({"Authorization": "Basic aGVsbG86d29ybGQ="}, id="basic"),
    ],
)
def test_missing_or_bad_token_is_401(client, world, headers):
    response = client.get(f"{API}/dossiers/000.00.14.H27-261116-0001", headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_tampered_token_is_401(client, world):
    token = api_token_for(world.desk)
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    response = client.get(
        f"{API}/statistics?from=2026-01-01&to=2026-01-31", headers={"Authorization": f"Bearer {forged}"}
    )

    assert response.status_code == 401


def test_tokens_expire_and_die_with_a_password_change_or_deactivation(client, world):
    url = f"{API}/statistics?from=2026-01-01&to=2026-01-31"
    with freeze_time(timezone.now() - timedelta(days=31)):
        old = bearer(world.leader)
    fresh = bearer(world.leader)
    assert client.get(url, headers=fresh).status_code == 200
    assert client.get(url, headers=old).status_code == 401

    world.leader.set_password("Mat-khau-moi-2026-rat-dai")
    world.leader.save(update_fields=["password"])
    assert client.get(url, headers=fresh).status_code == 401

    token = bearer(world.head)
    world.head.is_active = False
    world.head.save(update_fields=["is_active"])
    assert client.get(url, headers=token).status_code == 401


def test_a_token_revoked_on_its_own_stops_and_the_others_go_on(client, world):
    url = f"{API}/statistics?from=2026-01-01&to=2026-01-31"
    kept = bearer(world.leader)
    revoked, secret = api_token_issue(actor=world.leader, user=world.leader, name="Hệ thống báo cáo", days=30)
    assert client.get(url, headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    api_token_revoke(actor=world.leader, token=revoked)

    assert client.get(url, headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.get(url, headers=kept).status_code == 200
    revoked.refresh_from_db()
    assert revoked.last_used_at is not None and revoked.revoked_by == world.leader


def test_tokens_are_only_for_active_officials(world, django_user_model):
    citizen = django_user_model.objects.create_user("congdan", password="x")

    with pytest.raises(AccountsError, match="cán bộ"):
        api_token_for(citizen)
    with pytest.raises(AccountsError, match="1 đến"):
        api_token_for(world.desk, days=0)


# --- intake ---------------------------------------------------------------------------------------
@freeze_time("2026-11-16 09:00:00+07:00")
def test_intake_registers_and_receives_with_a_code_and_appointment(client, world):
    response = post(client, "/dossiers/intake", intake_body(), world.desk)

    body = response.json()
    assert response.status_code == 201, body
    assert body["code"] == "000.00.14.H27-261116-0001"
    assert body["status"] == Status.RECEIVED
    assert body["appointment"] == "2026-12-01T09:00:00+07:00"
    dossier = Dossier.objects.get(code=body["code"])
    assert dossier.received_by == world.desk
    assert dossier.subject == "Xin cấp giấy phép xây dựng nhà ở riêng lẻ"
    assert sorted(d.requirement.name for d in dossier.documents.all()) == [
        "Bản vẽ thiết kế",
        "Đơn đề nghị cấp giấy phép xây dựng",
    ]
    assert all(d.paper_only for d in dossier.documents.all())


def test_intake_with_a_mandatory_document_missing_keeps_nothing(client, world):
    response = post(client, "/dossiers/intake", intake_body(documents=["Bản vẽ thiết kế"]), world.desk)

    assert response.status_code == 400
    assert response.json()["code"] == "checklist_incomplete"
    assert "còn thiếu giấy tờ bắt buộc" in response.json()["message"]
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("who", "body", "status", "message"),
    [
        pytest.param("handler", {}, 403, "vai trò tiếp nhận", id="handler-without-desk-role"),
        pytest.param("outsider", {}, 403, "Sở Tư pháp", id="desk-of-another-agency"),
        pytest.param("desk", {"agency": "000.00.15.H27"}, 403, "Sở Xây dựng", id="not-the-callers-agency"),
        pytest.param("desk", {"procedure_code": "9.999999"}, 404, "9.999999", id="unknown-procedure"),
        pytest.param("desk", {"applicant": {"name": "Đặng Quốc Khánh", "id_number": "123"}}, 400, "", id="bad-id"),
        pytest.param("desk", {"applicant": {"name": "X"}}, 400, "không hợp lệ", id="short-name"),
    ],
)
def test_intake_refusals(client, world, who, body, status, message):
    response = post(client, "/dossiers/intake", intake_body(**body), getattr(world, who))

    assert response.status_code == status, response.json()
    assert message in response.json()["message"]
    assert not Dossier.objects.exists()


def test_intake_repeated_with_one_key_returns_the_first_dossier(client, world):
    first = post(client, "/dossiers/intake", intake_body(idempotency_key="ms-42"), world.desk)
    again = post(client, "/dossiers/intake", intake_body(idempotency_key="ms-42"), world.desk)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.count() == 1


# --- status changes -------------------------------------------------------------------------------
def test_wrong_transition_is_refused_in_vietnamese_and_changes_nothing(client, world, register):
    dossier = received(world, register)
    before = Dossier.objects.filter(pk=dossier.pk).values().get()

    response = post(
        client,
        f"/dossiers/{dossier.code}/status",
        {"transition": "payment_done", "expected_status": Status.RECEIVED},
        world.desk,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "transition_refused"
    assert response.json()["message"].startswith("Không thể thực hiện “")
    assert Dossier.objects.filter(pk=dossier.pk).values().get() == before


def test_a_stale_expected_status_is_409(client, world, register):
    dossier = received(world, register)

    response = post(
        client,
        f"/dossiers/{dossier.code}/status",
        {"transition": "stop", "expected_status": Status.PROCESSING, "reason": "Không đủ điều kiện"},
        world.head,
    )

    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_change"
    assert "vừa được người khác cập nhật" in response.json()["message"]
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_supplement_round_trip(client, world, register):
    dossier = received(world, register)
    url = f"/dossiers/{dossier.code}/status"

    asked = post(
        client,
        url,
        {"transition": "request_supplement", "expected_status": Status.RECEIVED, "items": ["Bản vẽ mặt bằng"]},
        world.handler,
    )
    brought = post(
        client,
        url,
        {"transition": "supplement_received", "expected_status": Status.SUPPLEMENT_REQUESTED, "documents": ["Bản vẽ"]},
        world.desk,
    )

    assert (asked.status_code, asked.json()["status"]) == (200, Status.SUPPLEMENT_REQUESTED)
    assert (brought.status_code, brought.json()["status"]) == (200, Status.PROCESSING)
    assert dossier.documents.filter(name="Bản vẽ", kind="supplement").exists()


def test_stop_needs_the_role_and_a_reason(client, world, register):
    dossier = received(world, register)
    url = f"/dossiers/{dossier.code}/status"
    body = {"transition": "stop", "expected_status": Status.RECEIVED}

    by_desk = post(client, url, {**body, "reason": "Không đủ điều kiện"}, world.desk)
    without_reason = post(client, url, body, world.head)
    stopped = post(client, url, {**body, "reason": "Không đủ điều kiện"}, world.head)

    assert (by_desk.status_code, by_desk.json()["code"]) == (403, "not_your_step")
    assert (without_reason.status_code, without_reason.json()["code"]) == (400, "reason_missing")
    assert (stopped.status_code, stopped.json()["status"]) == (200, Status.STOPPED)


def test_unknown_transition_is_400(client, world, register):
    dossier = received(world, register)

    response = post(
        client, f"/dossiers/{dossier.code}/status", {"transition": "approve", "expected_status": 2}, world.desk
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_out_of_scope_is_the_same_404_as_unknown(client, world, register):
    dossier = received(world, register)
    body = {"transition": "withdraw", "expected_status": Status.RECEIVED}

    outside = post(client, f"/dossiers/{dossier.code}/status", body, world.outsider)
    unknown = post(client, "/dossiers/000.00.14.H27-261116-9999/status", body, world.desk)
    lookup = client.get(f"{API}/dossiers/{dossier.code}", headers=bearer(world.outsider))

    assert outside.status_code == unknown.status_code == lookup.status_code == 404
    assert outside.json() == unknown.json() == lookup.json()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_roles_without_the_dossier_permission_are_403(client, world, register):
    dossier = received(world, register)
    auditor = official("kiem-toan", world.department, Role.AUDITOR)

    response = client.get(f"{API}/dossiers/{dossier.code}", headers=bearer(auditor))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


# --- lookup ---------------------------------------------------------------------------------------
@freeze_time("2026-11-16 09:00:00+07:00")
def test_lookup_shows_status_due_countdown_steps_and_trail(client, world, register):
    dossier = received(world, register)

    with freeze_time("2026-11-17 09:00:00+07:00"):
        response = client.get(f"{API}/dossiers/{dossier.code}", headers=bearer(world.handler))

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["due_at"]) == (Status.RECEIVED, "2026-12-01T09:00:00+07:00")
    assert body["countdown"].startswith("còn 9 ngày")
    assert body["receiving_agency"] == {"identifier": "000.00.14.H27", "name": "Sở Xây dựng"}
    assert [s["state"] for s in body["steps"]] == ["done", "active", "waiting", "waiting", "waiting", "waiting"]
    assert [e["transition"] for e in body["trail"]] == ["submit_online", "receive"]


# --- statistics -----------------------------------------------------------------------------------
@freeze_time(AFTER_NOVEMBER)
def test_statistics_equal_the_pages_figures(client, november):  # noqa: F811
    leader = november.world.leader
    client.force_login(leader)
    page = client.get("/lam-viec/ho-so/thong-ke/", NOVEMBER).context["stats"]
    client.logout()

    response = client.get(
        f"{API}/statistics",
        {"agency": "000.00.14.H27", "from": "2026-11-01", "to": "2026-11-30"},
        headers=bearer(leader),
    )

    body = response.json()
    assert response.status_code == 200
    assert body["figures"] == {
        **page.totals.as_dict(),
        "processed": page.totals.processed,
        "open": page.totals.open,
        "on_time_rate": float(page.totals.on_time_rate),
    }
    assert body["figures"]["handled"] == EXPECTED.handled
    assert body["average_processing_days"] == float(page.average_days) == 10.0
    assert [(b["code"], b["figures"]["handled"]) for b in body["by_procedure"]] == [
        (b.code, b.figures.handled) for b in page.by_procedure
    ]
    assert [b["code"] for b in body["by_sector"]] == ["XD", "DD"]
    assert (body["first_day"], body["last_day"], body["as_of"]) == (
        "2026-11-01",
        "2026-11-30",
        "2026-12-01T00:00:00+07:00",
    )


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        pytest.param({"agency": "000.00.15.H27"}, 404, "not_found", id="agency-out-of-scope"),
        pytest.param({"agency": "000.00.99.H27"}, 404, "not_found", id="unknown-agency"),
        pytest.param({"from": "2026-11-30", "to": "2026-11-01"}, 400, "invalid_input", id="end-before-start"),
        pytest.param({"from": "30/11/2026"}, 400, "invalid_input", id="not-iso"),
        pytest.param({"to": None}, 400, "invalid_input", id="missing-to"),
    ],
)
def test_statistics_refusals(client, world, query, status, code):
    params = {"from": "2026-11-01", "to": "2026-11-30", **query}
    params = {k: v for k, v in params.items() if v is not None}

    response = client.get(f"{API}/statistics", params, headers=bearer(world.leader))

    assert response.status_code == status
    assert response.json()["code"] == code


def test_statistics_without_the_permission_is_403(client, world):
    response = client.get(f"{API}/statistics", {"from": "2026-11-01", "to": "2026-11-30"}, headers=bearer(world.desk))

    assert response.status_code == 403
    assert "thống kê" in response.json()["message"]
