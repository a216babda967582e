"""Every role × own agency / other agency × read / change over the models that exist.

Two departments A and B, each with a unit (phòng) A1 / B1. The official under test sits in unit A1
holding one role. Targets live in A (agency level), in A1 (own unit) and in B (another agency).
Out-of-scope records answer 404 — the same as a UUID that does not exist — never a 403 that would
confirm the record is there. A role without the feature at all gets 403 whatever the UUID.
"""

import re
import uuid

import pytest
from django.urls import reverse

from apps.accounts.actions import official_create
from apps.accounts.models import AccessGrant
from apps.accounts.roles import Role
from apps.accounts.selectors import grant_exists, scope_agency_ids
from apps.audit.actions import audit_record
from apps.core.models import TaskProgress

from .factories import AgencyFactory, UnitFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-ma-tran-2026"
ALL = list(Role)
VIEWERS = {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.AUDITOR, Role.SYSADMIN}
AGENCY_WIDE = {Role.AGENCY_LEADER, Role.AUDITOR, Role.SYSADMIN, Role.DESK_OFFICER, Role.CLERK, Role.COMMITTEE_SECRETARY}


@pytest.fixture
def world():
    a, b = AgencyFactory("Sở A"), AgencyFactory("Sở B")
    a1, b1 = UnitFactory(a, "Phòng A1"), UnitFactory(b, "Phòng B1")
    n = iter(range(1000))

    def official(agency, roles=()):
        i = next(n)
        return official_create(
            username=f"cb{i}",
            full_name=f"Cán Bộ {i}",
            email=f"cb{i}@x.vn",
            password=PASSWORD,
            agency=agency,
            roles=roles,
        )

    targets = {"official:A": official(a), "official:A1": official(a1), "official:B": official(b)}
    actor_a = targets["official:A"]
    actor_b = targets["official:B"]
    targets["audit:A"] = audit_record(actor=actor_a, action="test.a", target_label="sự kiện A")
    targets["audit:B"] = audit_record(actor=actor_b, action="test.b", target_label="sự kiện B")
    return {"a": a, "a1": a1, "b": b, "b1": b1, "official": official, "targets": targets}


def status(client, method, url, data=None):
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


# --- officials: read -----------------------------------------------------------------------------
def expected_official_read(role, where):
    if role not in VIEWERS:
        return 403
    if where == "B":
        return 404
    if where == "A" and role == Role.HEAD_OF_UNIT:
        return 404  # a head of unit sees only their unit
    return 200


@pytest.mark.parametrize("where", ["A", "A1", "B"], ids=["own-agency", "own-unit", "other-agency"])
@pytest.mark.parametrize("role", ALL, ids=[r.value for r in ALL])
def test_read_official(client, world, role, where):
    me = world["official"](world["a1"], [role])
    client.force_login(me)
    target = world["targets"][f"official:{where}"]

    assert status(client, "get", reverse("accounts:official-detail", args=[target.uuid])) == expected_official_read(
        role, where
    )


# --- officials: change roles ---------------------------------------------------------------------
def expected_official_change(role, where):
    read = expected_official_read(role, where)
    if read != 200:
        return read
    return 302 if role == Role.SYSADMIN else 403


@pytest.mark.parametrize("where", ["A", "A1", "B"], ids=["own-agency", "own-unit", "other-agency"])
@pytest.mark.parametrize("role", ALL, ids=[r.value for r in ALL])
def test_change_official_roles(client, world, role, where):
    me = world["official"](world["a1"], [role])
    client.force_login(me)
    target = world["targets"][f"official:{where}"]
    before = set(target.current_membership().roles.values_list("role", flat=True))

    code = status(client, "post", reverse("accounts:official-roles", args=[target.uuid]), {"roles": ["clerk"]})

    assert code == expected_official_change(role, where)
    after = set(target.current_membership().roles.values_list("role", flat=True))
    assert after == ({"clerk"} if code == 302 else before)


# --- audit events: read (there is no way to change one) -------------------------------------------
@pytest.mark.parametrize("where", ["A", "B"], ids=["own-agency", "other-agency"])
@pytest.mark.parametrize("role", ALL, ids=[r.value for r in ALL])
def test_read_audit_event(client, world, role, where):
    me = world["official"](world["a1"], [role])
    client.force_login(me)
    event = world["targets"][f"audit:{where}"]

    code = status(client, "get", reverse("audit:event-detail", args=[event.uuid]))

    if role not in {Role.AUDITOR, Role.SYSADMIN}:
        assert code == 403
    else:
        assert code == (200 if where == "A" else 404)


# --- agencies: the directory is readable by every official; nobody changes it from the workspace --
@pytest.mark.parametrize("where", ["a", "b"], ids=["own-agency", "other-agency"])
@pytest.mark.parametrize("role", ALL, ids=[r.value for r in ALL])
def test_read_agency(client, world, role, where):
    client.force_login(world["official"](world["a1"], [role]))

    assert status(client, "get", reverse("organizations:agency-detail", args=[world[where].uuid])) == 200


# --- calendar (province-wide data): administrators only ------------------------------------------
@pytest.mark.parametrize("role", ALL, ids=[r.value for r in ALL])
def test_calendar_read_and_change(client, world, role):
    client.force_login(world["official"](world["a1"], [role]))

    read = status(client, "get", reverse("core:calendar"))
    change = status(
        client, "post", reverse("core:calendar"), {"day": "20/02/2027", "is_working_day": "1", "reason": "x"}
    )

    assert (read, change) == ((200, 302) if role == Role.SYSADMIN else (403, 403))


# --- background-task progress: the requester (or a viewer of all progress) -------------------------
@pytest.mark.parametrize("role", ALL, ids=[r.value for r in ALL])
def test_task_progress_of_someone_else(client, world, role):
    owner = world["targets"]["official:B"]
    progress = TaskProgress.objects.create(kind="demo_rebuild", label="x", requested_by=owner)
    client.force_login(world["official"](world["a1"], [role]))

    code = status(client, "get", reverse("core:task-progress", args=[progress.uuid]))

    assert code == (200 if role in {Role.AUDITOR, Role.SYSADMIN} else 404)


# --- guessing UUIDs: unknown and out-of-scope answer alike ----------------------------------------
@pytest.mark.parametrize(
    "url_name", ["accounts:official-detail", "audit:event-detail"], ids=["official", "audit-event"]
)
def test_guessed_uuids_are_indistinguishable_from_out_of_scope_records(client, world, url_name):
    client.force_login(world["official"](world["a1"], [Role.SYSADMIN]))
    out_of_scope = world["targets"]["official:B" if url_name.startswith("accounts") else "audit:B"].uuid

    random_uuid = uuid.uuid4()
    guessed = client.get(reverse(url_name, args=[random_uuid]))
    foreign = client.get(reverse(url_name, args=[out_of_scope]))

    def page_without(response, echoed):
        # The page echoes the requested path (language form) and a fresh CSRF token; nothing else may differ.
        text = response.content.decode().replace(str(echoed), "<uuid>")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)

    assert guessed.status_code == foreign.status_code == 404
    assert page_without(guessed, random_uuid) == page_without(foreign, out_of_scope)


# --- scopes and grants at the selector level ------------------------------------------------------
def test_unit_scoped_roles_see_their_unit_and_agency_roles_the_whole_agency(world):
    handler = world["official"](world["a1"], [Role.HANDLER])
    leader = world["official"](world["a1"], [Role.AGENCY_LEADER])

    assert scope_agency_ids(handler) == {world["a1"].pk}
    assert scope_agency_ids(leader) == {world["a"].pk, world["a1"].pk}


def test_cross_agency_access_only_through_an_explicit_grant(world):
    handler_b = world["official"](world["b1"], [Role.HANDLER])
    record = uuid.uuid4()
    assert not grant_exists(handler_b, target_type="dossiers.dossier", target_uuid=record)

    AccessGrant.objects.create(
        grantee=world["b"], target_type="dossiers.dossier", target_uuid=record, reason="Lấy ý kiến phối hợp"
    )

    assert grant_exists(handler_b, target_type="dossiers.dossier", target_uuid=record)
    assert not grant_exists(handler_b, target_type="dossiers.dossier", target_uuid=record, change=True)
    assert not grant_exists(
        world["official"](world["a1"], [Role.HANDLER]), target_type="dossiers.dossier", target_uuid=record
    )
