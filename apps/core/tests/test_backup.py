"""Backup and restore round-trip the database and the uploaded files, on SQLite and PostgreSQL."""

import hashlib
import io
import json
import tarfile

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from apps.accounts.actions import official_create
from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory
from apps.core.backup import BackupError, BackupErrorCode, backup_create, backup_restore
from apps.core.models import TaskProgress

pytestmark = pytest.mark.django_db(transaction=True)

PDF_BYTES = b"%PDF-1.7\n% Giay tiep nhan ho so\n" + bytes(range(256)) * 4


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_data() -> dict[str, bytes]:
    """Officials with roles, task progress rows and two uploaded files; return the files by name."""
    agency = AgencyFactory(name="Sở Tư pháp")
    handler = official_create(
        agency=agency,
        username="chuyenvien1",
        full_name="Trần Văn Hùng",
        email="hung@example.vn",
        password="Mat-khau-rat-dai-1",
        roles=[Role.HANDLER, Role.HEAD_OF_UNIT],
    )
    official_create(
        agency=agency,
        username="motcua1",
        full_name="Nguyễn Thị Lan",
        email="lan@example.vn",
        password="Mat-khau-rat-dai-2",
        roles=[Role.DESK_OFFICER],
    )
    TaskProgress.objects.create(kind="demo_rebuild", label="Dựng lại dữ liệu mẫu", requested_by=handler)
    TaskProgress.objects.create(
        kind="report", label="Báo cáo quý", state=TaskProgress.State.SUCCEEDED, done=4, total=4, message="Xong"
    )
    files = {
        default_storage.save("ho-so/2026/giay-tiep-nhan.pdf", ContentFile(PDF_BYTES)): PDF_BYTES,
        default_storage.save("anh-chan-dung.png", ContentFile(b"\x89PNG\r\n" + b"\x00" * 100)): b"\x89PNG\r\n"
        + b"\x00" * 100,
    }
    return files


def snapshot() -> dict[str, list]:
    return {
        "users": list(User.objects.order_by("pk").values_list()),
        "roles": list(RoleAssignment.objects.order_by("pk").values_list()),
        "progress": list(TaskProgress.objects.order_by("pk").values_list()),
        "content_types": list(ContentType.objects.order_by("pk").values_list()),
        "permissions": list(Permission.objects.order_by("pk").values_list()),
    }


def media_snapshot(names) -> dict[str, bytes | None]:
    result = {}
    for name in names:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stream:
                result[name] = stream.read()
        else:
            result[name] = None
    return result


def rewrite(archive, target, *, flip_byte_of=None, manifest=None, extra=None):
    """Copy an archive member by member, changing one member's bytes or the manifest."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == flip_byte_of:
                data = bytes([data[0] ^ 0x01]) + data[1:]
            if member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def test_backup_and_restore_round_trip_rows_and_files(tmp_path):
    files = make_data()
    before = snapshot()
    archive = tmp_path / "egov.tar.gz"

    call_command("backup", "--output", str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False)
    for name in files:
        default_storage.delete(name)
    assert not User.objects.exists()
    assert media_snapshot(files) == dict.fromkeys(files)

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert snapshot() == before
    assert media_snapshot(files) == files
    assert "Số dòng của mọi bảng khớp với manifest." in out.getvalue()
    # Sequences came back too: a new row does not collide with a restored one.
    official_create(
        username="moi", full_name="Lê Văn Mới", email="moi@example.vn", password="Mat-khau-rat-dai-9", roles=[]
    )


def test_manifest_describes_every_member(tmp_path):
    files = make_data()

    archive = backup_create(output=tmp_path / "egov.tar.gz")

    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["format_version"] == 1
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["database"]["vendor"] == connection.vendor
    from django.db.migrations.loader import MigrationLoader

    ((_app, latest),) = MigrationLoader(connection).graph.leaf_nodes("accounts")
    assert manifest["database"]["migrations"]["accounts"] == latest  # the newest applied, read from the graph
    assert manifest["database"]["row_counts"]["accounts_user"] == 2
    assert manifest["database"]["row_counts"]["core_taskprogress"] == 2
    assert set(names) == {"manifest.json", *manifest["members"]}
    for name, data in files.items():
        assert manifest["members"][f"media/{name}"] == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert manifest["database"]["member"] in manifest["members"]
    assert archive.stat().st_mode & 0o077 == 0


def test_tampered_archive_is_refused_and_nothing_changes(tmp_path):
    files = make_data()
    archive = backup_create(output=tmp_path / "egov.tar.gz")
    tampered = rewrite(archive, tmp_path / "tampered.tar.gz", flip_byte_of="media/anh-chan-dung.png")
    TaskProgress.objects.filter(kind="report").delete()
    default_storage.delete("ho-so/2026/giay-tiep-nhan.pdf")
    before, media_before = snapshot(), media_snapshot(files)

    with pytest.raises(BackupError) as refused:
        backup_restore(archive=tampered, force=True)

    assert refused.value.code == BackupErrorCode.CHECKSUM_MISMATCH
    assert "“media/anh-chan-dung.png”" in refused.value.message
    assert snapshot() == before
    assert media_snapshot(files) == media_before


def test_restore_into_database_with_rows_needs_force(tmp_path):
    files = make_data()
    backed_up = snapshot()
    archive = backup_create(output=tmp_path / "egov.tar.gz")
    official_create(
        username="sau", full_name="Võ Thị Sau", email="sau@example.vn", password="Mat-khau-rat-dai-9", roles=[]
    )
    default_storage.delete("anh-chan-dung.png")
    default_storage.save("anh-chan-dung.png", ContentFile(b"changed"))
    before, media_before = snapshot(), media_snapshot(files)

    with pytest.raises(CommandError, match=r"^Cơ sở dữ liệu đang có dữ liệu"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert snapshot() == before
    assert media_snapshot(files) == media_before

    report = backup_restore(archive=archive, force=True)

    assert report.ok
    assert report.media_files == 2
    assert snapshot() == backed_up
    assert media_snapshot(files) == files


def test_dump_of_another_database_vendor_is_refused(tmp_path):
    make_data()
    archive = backup_create(output=tmp_path / "egov.tar.gz")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def relabel(manifest):
        manifest["database"]["vendor"] = other
        return manifest

    foreign = rewrite(archive, tmp_path / "foreign.tar.gz", manifest=relabel)
    before = snapshot()

    with pytest.raises(BackupError) as refused:
        backup_restore(archive=foreign, force=True)

    assert refused.value.code == BackupErrorCode.VENDOR_MISMATCH
    assert other in refused.value.message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"extra": {"../ngoai.txt": b"x"}}, "“../ngoai.txt”", id="path-traversal"),
        pytest.param({"extra": {"media/them.txt": b"x"}}, "“media/them.txt” không có trong manifest", id="unlisted"),
        pytest.param({"manifest": lambda m: {**m, "format_version": 99}}, "phiên bản 99", id="future-format"),
        pytest.param(
            {"manifest": lambda m: {**m, "members": {**m["members"], "media/mat.txt": {"sha256": "0", "size": 1}}}},
            "thiếu tệp “media/mat.txt”",
            id="missing-member",
        ),
        pytest.param(
            {"manifest": lambda m: {**m, "database": {**m["database"], "migrations": {"accounts": "0999_tuong_lai"}}}},
            "accounts.0999_tuong_lai",
            id="newer-schema",
        ),
    ],
)
def test_malformed_archive_is_refused(tmp_path, change, expected):
    make_data()
    archive = backup_create(output=tmp_path / "egov.tar.gz")
    bad = rewrite(archive, tmp_path / "bad.tar.gz", **change)
    before = snapshot()

    with pytest.raises(BackupError, match=expected):
        backup_restore(archive=bad, force=True)

    assert snapshot() == before


def test_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")

    with pytest.raises(BackupError) as refused:
        backup_restore(archive=junk, force=True)

    assert refused.value.code == BackupErrorCode.INVALID_ARCHIVE


def test_backup_does_not_overwrite_an_existing_file(tmp_path):
    existing = tmp_path / "egov.tar.gz"
    existing.write_bytes(b"old backup")

    with pytest.raises(CommandError, match="đã tồn tại"):
        call_command("backup", "--output", str(existing), stdout=io.StringIO())

    assert existing.read_bytes() == b"old backup"
