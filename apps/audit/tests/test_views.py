import csv
import io
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.forms import INVALID_DATE
from apps.audit.models import AuditEvent
from apps.audit.views import CSV_HEADER

from .conftest import raw_sql, record, triggers_disabled

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")


@pytest.fixture
def auditor(monkeypatch, agencies):
    """An auditor whose scope is Sở Tư pháp and UBND huyện Cẩm Xuyên (as accounts will compute it)."""
    scope = [agencies["so_tu_phap"], agencies["ubnd_cam_xuyen"]]
    monkeypatch.setattr(User, "audit_scope_uuids", lambda self: {a.uuid for a in scope}, raising=False)
    monkeypatch.setattr(User, "audit_scope_agencies", lambda self: list(scope), raising=False)
    return UserFactory(roles=[Role.AUDITOR])


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


def shown(response) -> set[str]:
    return {event.target_label for event in response.context["page"].events}


def labels(trail, *keys) -> set[str]:
    return {trail[key].target_label for key in keys}


def test_sign_in_is_required(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", [LIST, EXPORT], ids=["list", "export"])
def test_official_without_the_permission_is_refused_and_the_refusal_recorded(client, url):
    client.force_login(UserFactory(roles=[Role.HANDLER]))

    response = client.get(url)

    assert response.status_code == 403
    denial = AuditEvent.objects.get(action="security.permission_denied")
    assert denial.changes["path"] == url
    assert not AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SYSADMIN])
def test_auditor_and_sysadmin_open_the_trail_from_the_menu(client, monkeypatch, role):
    monkeypatch.setattr(User, "audit_scope_uuids", lambda self: set(), raising=False)
    monkeypatch.setattr(User, "audit_scope_agencies", lambda self: [], raising=False)
    client.force_login(UserFactory(roles=[role]))

    response = client.get(LIST)

    assert response.status_code == 200
    assert f'href="{LIST}" aria-current="page"' in response.text


def test_list_shows_only_the_auditors_agencies_newest_first(trail, auditor_client):
    response = auditor_client.get(LIST)

    assert response.status_code == 200
    assert [e.target_label for e in response.context["page"].events] == [
        trail["complete"].target_label,
        trail["receive"].target_label,
        trail["login"].target_label,
    ]
    html = response.text
    assert "05/03/2026 00:15:00" in html  # 17:15 UTC on 4 March, shown in Vietnam time
    assert reverse("audit:event-detail", args=[trail["receive"].uuid]) in html
    assert trail["sign"].target_label not in html
    assert '<div class="table-wrap">' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"nguoi": "nguyen van duc"}, ["login"], id="actor-without-accents"),
        pytest.param({"nguoi": "TRẦN THỊ"}, ["receive"], id="actor-upper-case"),
        pytest.param({"nguoi": "cuonglv"}, ["complete"], id="actor-username"),
        pytest.param({"loai": "dossiers.dossier"}, ["receive", "complete"], id="target-type"),
        pytest.param({"doi_tuong": "ly lich"}, ["receive"], id="target-label"),
        pytest.param({"hanh_dong": "dossier."}, ["receive", "complete"], id="action-prefix"),
        pytest.param({"hanh_dong": "security.login"}, ["login"], id="action-code"),
        pytest.param({"tu_ngay": "05/03/2026"}, ["receive", "complete"], id="from-day"),
        pytest.param({"den_ngay": "04/03/2026"}, ["login"], id="to-day-inclusive"),
        pytest.param({"tu_ngay": "05/03/2026", "den_ngay": "05/03/2026"}, ["receive"], id="one-day"),
        pytest.param({"den_ngay": "31/12/2030"}, ["login", "receive", "complete"], id="to-after-every-event"),
        pytest.param({"tu_ngay": "01/01/2030"}, [], id="from-after-every-event"),
        pytest.param({"hanh_dong": "dossier.", "nguoi": "hoa"}, ["receive"], id="combined"),
        pytest.param({"nguoi": "Phạm Minh Đạt"}, [], id="actor-out-of-scope"),
    ],
)
def test_each_filter_narrows_the_list(trail, auditor_client, query, expected):
    response = auditor_client.get(LIST, query)

    assert response.status_code == 200
    assert shown(response) == labels(trail, *expected)


def test_filters_by_uuid(trail, auditor_client, agencies):
    by_actor = auditor_client.get(LIST, {"nguoi": str(trail["complete"].actor_uuid)})
    by_target = auditor_client.get(LIST, {"doi_tuong": str(trail["receive"].target_uuid)})
    by_agency = auditor_client.get(LIST, {"co_quan": str(agencies["ubnd_cam_xuyen"].uuid)})

    assert shown(by_actor) == labels(trail, "complete")
    assert shown(by_target) == labels(trail, "receive")
    assert shown(by_agency) == labels(trail, "complete")
    assert f'<option value="{agencies["ubnd_cam_xuyen"].uuid}" selected>' in by_agency.text


def test_agency_outside_the_scope_is_refused_in_the_select(trail, auditor_client, agencies):
    response = auditor_client.get(LIST, {"co_quan": str(agencies["so_y_te"].uuid)})

    assert response.context["page"] is None
    assert "không thuộc phạm vi" in response.text


def test_agency_is_a_uuid_field_when_the_user_offers_no_list(client, monkeypatch, trail, agencies):
    monkeypatch.setattr(User, "audit_scope_uuids", lambda self: {agencies["so_tu_phap"].uuid}, raising=False)
    monkeypatch.delattr(User, "audit_scope_agencies", raising=False)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    good = client.get(LIST, {"co_quan": str(agencies["so_tu_phap"].uuid)})
    bad = client.get(LIST, {"co_quan": "so-tu-phap"})

    assert shown(good) == labels(trail, "login", "receive")
    assert '<input type="text" name="co_quan"' in good.text
    assert bad.context["page"] is None
    assert "Mã cơ quan không hợp lệ" in bad.text


def test_auditor_without_a_scope_sees_nothing(client, monkeypatch, trail):
    monkeypatch.delattr(User, "audit_scope_uuids", raising=False)
    monkeypatch.delattr(User, "audit_scope_agencies", raising=False)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    response = client.get(LIST)

    assert response.status_code == 200
    assert response.context["page"].events == []


def test_superuser_sees_events_without_an_agency(client, trail):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(LIST, {"hanh_dong": "security."})

    assert shown(response) >= labels(trail, "login", "failed")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        pytest.param({"tu_ngay": "31/02/2026"}, "tu_ngay", INVALID_DATE, id="impossible-day"),
        pytest.param({"den_ngay": "29/02/2025"}, "den_ngay", INVALID_DATE, id="not-a-leap-year"),
        pytest.param({"tu_ngay": "2026-03-05"}, "tu_ngay", INVALID_DATE, id="iso-format"),
        pytest.param({"den_ngay": "hôm nay"}, "den_ngay", INVALID_DATE, id="words"),
        pytest.param({"tu_ngay": "05/03/0026"}, "tu_ngay", "Ngày phải nằm trong các năm", id="year-out-of-range"),
        pytest.param(
            {"tu_ngay": "06/03/2026", "den_ngay": "05/03/2026"}, "den_ngay", "phải bằng hoặc sau", id="to-before-from"
        ),
    ],
)
def test_bad_dates_are_refused_with_a_vietnamese_message(trail, auditor_client, query, field, message):
    response = auditor_client.get(LIST, query)

    assert response.status_code == 200
    assert response.context["page"] is None
    assert message in response.context["form"].errors[field][0]
    assert message in response.text
    assert 'aria-invalid="true"' in response.text


def test_bad_page_cursor_is_refused(trail, auditor_client):
    response = auditor_client.get(LIST, {"truoc": "abc"})

    assert response.context["page"] is None
    assert "Trang không hợp lệ" in response.text


def test_pages_of_fifty_by_seq_keep_the_filter(auditor_client, agencies):
    from .conftest import FakeActor

    actor = FakeActor("ducnv", "Nguyễn Văn Đức", agency=agencies["so_tu_phap"])
    seqs = [record(actor=actor, action="dossier.receive", target_label=f"Hồ sơ {n}").seq for n in range(120)]
    newest_first = seqs[::-1]

    first = auditor_client.get(LIST, {"hanh_dong": "dossier."})
    second = auditor_client.get(LIST, {"hanh_dong": "dossier.", "truoc": first.context["page"].older_cursor})
    third = auditor_client.get(LIST, {"hanh_dong": "dossier.", "truoc": second.context["page"].older_cursor})
    back = auditor_client.get(LIST, {"hanh_dong": "dossier.", "sau": third.context["page"].newer_cursor})

    assert [e.seq for e in first.context["page"].events] == newest_first[:50]
    assert [e.seq for e in second.context["page"].events] == newest_first[50:100]
    assert [e.seq for e in third.context["page"].events] == newest_first[100:]
    assert third.context["page"].older_cursor is None
    assert [e.seq for e in back.context["page"].events] == newest_first[50:100]
    assert f"?hanh_dong=dossier.&amp;truoc={newest_first[49]}" in first.text


@pytest.mark.parametrize("paged", [False, True], ids=["first-page", "older-page"])
def test_list_query_count_does_not_grow_with_the_rows(auditor_client, agencies, django_assert_num_queries, paged):
    from .conftest import FakeActor

    actor = FakeActor("ducnv", "Nguyễn Văn Đức", agency=agencies["so_tu_phap"])

    def add(count):
        for n in range(count):
            record(actor=actor, action="dossier.receive", target_label=f"Hồ sơ {n}")

    def query():
        return {"truoc": AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[2]} if paged else {}

    add(5)
    auditor_client.get(LIST, query())  # warm the session
    params = query()
    with CaptureQueriesContext(connection) as with_five:
        auditor_client.get(LIST, params)
    add(115)
    params = query()
    with django_assert_num_queries(len(with_five)):
        response = auditor_client.get(LIST, params)

    assert len(response.context["page"].events) == 50


def test_detail_shows_fields_changes_and_the_chain_link(trail, auditor_client):
    event = trail["receive"]

    response = auditor_client.get(reverse("audit:event-detail", args=[event.uuid]))

    assert response.status_code == 200
    links = response.context["links"]
    assert links.hash_ok is True
    assert links.previous_ok is True
    assert links.previous_uuid == trail["login"].uuid
    assert links.next_uuid == trail["complete"].uuid
    assert response.context["change_pairs"] == [("state", "new", "received")]
    html = response.text
    for text in (event.hash, event.prev_hash, str(event.target_uuid), "Trần Thị Hoa", "received"):
        assert text in html


def test_detail_hides_the_neighbour_out_of_scope(trail, auditor_client):
    response = auditor_client.get(reverse("audit:event-detail", args=[trail["complete"].uuid]))

    assert response.context["links"].next_uuid is None  # the next event belongs to Sở Y tế
    assert response.context["links"].previous_uuid == trail["receive"].uuid


def test_detail_shows_an_edited_event(trail, auditor_client):
    with triggers_disabled():
        raw_sql("UPDATE audit_auditevent SET target_label = 'Hồ sơ khác' WHERE seq = %s", [trail["receive"].seq])

    response = auditor_client.get(reverse("audit:event-detail", args=[trail["receive"].uuid]))

    assert response.context["links"].hash_ok is False


@pytest.mark.parametrize("key", ["sign", "failed", None], ids=["other-agency", "no-agency", "unknown"])
def test_detail_out_of_scope_is_not_found(trail, auditor_client, key):
    event_uuid = trail[key].uuid if key else uuid.uuid4()

    response = auditor_client.get(reverse("audit:event-detail", args=[event_uuid]))

    assert response.status_code == 404


def read_csv(response) -> tuple[bytes, list[list[str]]]:
    content = b"".join(response.streaming_content)
    return content, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_streams_the_filtered_scope_with_a_bom(trail, auditor_client, auditor):
    response = auditor_client.get(EXPORT, {"hanh_dong": "dossier.", "tu_ngay": "01/03/2026"})

    content, rows = read_csv(response)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="nhat-ky-kiem-toan-')
    assert content.startswith(b"\xef\xbb\xbf")
    assert rows[0] == CSV_HEADER
    assert [row[12] for row in rows[1:]] == [trail["complete"].target_label, trail["receive"].target_label]
    receive = dict(zip(CSV_HEADER, rows[2], strict=True))
    assert receive["Thời điểm"] == "05/03/2026 00:15:00"
    assert receive["Người thực hiện"] == "Trần Thị Hoa"
    assert receive["Cơ quan"] == "Sở Tư pháp"
    assert json.loads(receive["Thay đổi"]) == {"state": ["new", "received"]}
    assert receive["Mã băm"] == trail["receive"].hash


def test_csv_export_is_itself_recorded_with_the_filter(trail, auditor_client, auditor):
    response = auditor_client.get(EXPORT, {"hanh_dong": "security.", "nguoi": "duc"})
    _, rows = read_csv(response)

    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_uuid == auditor.uuid
    assert export.changes == {"filter": {"action": "security.", "actor": "duc"}}
    assert [row[1] for row in rows[1:]] == [str(trail["login"].uuid)]


def test_csv_cells_that_look_like_formulas_stay_text(auditor_client, agencies):
    from .conftest import FakeActor

    actor = FakeActor("=cmd", '=HYPERLINK("http://x")', agency=agencies["so_tu_phap"])
    record(actor=actor, action="test.formula", target_label="+1+1")

    _, rows = read_csv(auditor_client.get(EXPORT))

    row = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert (row["Tên đăng nhập"], row["Người thực hiện"], row["Đối tượng"]) == (
        "'=cmd",
        '\'=HYPERLINK("http://x")',
        "'+1+1",
    )


def test_csv_export_with_a_bad_date_is_refused_and_not_recorded(trail, auditor_client):
    response = auditor_client.get(EXPORT, {"den_ngay": "32/01/2026"})

    assert response.status_code == 400
    assert INVALID_DATE in response.text
    assert not AuditEvent.objects.filter(action="audit.export").exists()
