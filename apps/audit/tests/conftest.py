"""Fixtures of the audit tests: actors and agencies known by UUID, and an attacker's raw SQL."""

import contextlib
import datetime
import importlib
from dataclasses import dataclass, field
from unittest import mock
from uuid import UUID, uuid4

import pytest
from django.db import connection

from apps.audit.actions import audit_record

TRIGGERS = importlib.import_module("apps.audit.migrations.0003_append_only_triggers")


@dataclass(frozen=True)
class FakeAgency:
    name: str
    uuid: UUID = field(default_factory=uuid4)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class FakeActor:
    """What audit_record needs of a user, without the accounts app."""

    username: str
    full_name: str
    uuid: UUID = field(default_factory=uuid4)
    agency: FakeAgency | None = None
    is_authenticated: bool = True

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.full_name

    def audit_agency(self):
        return self.agency


def record(*, at=None, **kwargs):
    """audit_record(), at a chosen moment if ``at`` is given."""
    kwargs.setdefault("actor", None)
    kwargs.setdefault("action", "test.event")
    if at is None:
        return audit_record(**kwargs)
    with mock.patch("apps.audit.actions.timezone.now", return_value=at):
        return audit_record(**kwargs)


@contextlib.contextmanager
def triggers_disabled():
    """Act as someone with the table owner's rights, who can switch the append-only triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        else:
            for statement in TRIGGERS.SQLITE_REMOVE:
                cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER ALL")
            else:
                for statement in TRIGGERS.SQLITE_INSTALL:
                    cursor.execute(statement)


def raw_sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def json_param() -> str:
    """The placeholder for a JSON value in raw SQL on this database."""
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


@pytest.fixture
def agencies():
    return {
        "so_tu_phap": FakeAgency("Sở Tư pháp"),
        "ubnd_cam_xuyen": FakeAgency("UBND huyện Cẩm Xuyên"),
        "so_y_te": FakeAgency("Sở Y tế"),
    }


HCM = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def trail(agencies):
    """Five events in three agencies (and one without), around the 4–7 March 2026 day boundaries.

    Ask for it before signing in (a sign-in is an event too, and events never go back in time).
    """
    duc = FakeActor("ducnv", "Nguyễn Văn Đức", agency=agencies["so_tu_phap"])
    hoa = FakeActor("hoatt", "Trần Thị Hoa", agency=agencies["so_tu_phap"])
    cuong = FakeActor("cuonglv", "Lê Văn Cường", agency=agencies["ubnd_cam_xuyen"])
    dat = FakeActor("datpm", "Phạm Minh Đạt", agency=agencies["so_y_te"])
    ly_lich, khai_sinh = uuid4(), uuid4()
    return {
        "login": record(
            actor=duc,
            action="security.login",
            target_label="Nguyễn Văn Đức",
            at=datetime.datetime(2026, 3, 4, 23, 30, tzinfo=HCM),
        ),
        "receive": record(
            actor=hoa,
            action="dossier.receive",
            target_type="dossiers.dossier",
            target_uuid=ly_lich,
            target_label="Hồ sơ cấp Phiếu lý lịch tư pháp",
            before={"state": "new"},
            after={"state": "received"},
            at=datetime.datetime(2026, 3, 5, 0, 15, tzinfo=HCM),
        ),
        "complete": record(
            actor=cuong,
            action="dossier.complete",
            target_type="dossiers.dossier",
            target_uuid=khai_sinh,
            target_label="Hồ sơ đăng ký khai sinh",
            before={"state": "processing"},
            after={"state": "done"},
            at=datetime.datetime(2026, 3, 6, 10, 0, tzinfo=HCM),
        ),
        "sign": record(
            actor=dat,
            action="document.sign",
            target_type="documents.document",
            target_label="Công văn 12/SYT",
            at=datetime.datetime(2026, 3, 6, 11, 0, tzinfo=HCM),
        ),
        "failed": record(
            action="security.login_failed",
            target_label="khong-ton-tai",
            changes={"username": "khong-ton-tai"},
            at=datetime.datetime(2026, 3, 7, 8, 0, tzinfo=HCM),
        ),
    }
