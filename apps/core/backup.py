"""Back up and restore the database and the uploaded files as one ``.tar.gz`` archive.

An archive holds ``manifest.json``, the database dump under ``database/`` and every file of the
default storage under ``media/``. The manifest records the sha256 and size of every other member,
the database vendor, the migration state and the row count of every table, so a restore can
refuse a damaged or foreign archive before it changes anything and can check its result after.

The dump is native and consistent while the server runs: SQLite through the online backup API,
PostgreSQL through ``pg_dump`` in a snapshot that the row counts are read from as well.
"""

import enum
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = "egov-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/egov.sqlite3", "postgresql": "database/egov.pgdump"}
MEDIA_PREFIX = "media/"

# Tables that ``migrate`` fills by itself: rows there do not mean the database is in use.
# Tables whose rows say nothing about the data: Django's own bookkeeping and the shared cache.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission", "egov_cache"})

_CHUNK = 1024 * 1024


class BackupErrorCode(enum.StrEnum):
    OUTPUT_EXISTS = "output_exists"
    INVALID_ARCHIVE = "invalid_archive"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    VENDOR_MISMATCH = "vendor_mismatch"
    SCHEMA_NEWER = "schema_newer"
    DATABASE_NOT_EMPTY = "database_not_empty"
    UNSUPPORTED_DATABASE = "unsupported_database"
    TOOL_MISSING = "tool_missing"
    TOOL_FAILED = "tool_failed"
    STORAGE_FAILED = "storage_failed"


class BackupError(Exception):
    """A backup or restore was refused or failed; the message says why, in Vietnamese."""

    def __init__(self, code: BackupErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RestoreReport:
    created_at: str
    vendor: str
    row_counts: dict[str, int]
    media_files: int
    # table → (rows in the manifest, rows after the restore); empty when everything matches.
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Migrations the code has and the restored database has not: run ``migrate`` next.
    pending_migrations: list[str] = field(default_factory=list)
    # Tables the database has and the backup had not (PostgreSQL only: ``pg_restore --clean`` drops
    # only what the dump holds); they were made by a newer schema and keep their rows.
    extra_tables: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


@dataclass(frozen=True)
class _DatabaseState:
    row_counts: dict[str, int]
    migrations: dict[str, str]


def default_backup_path() -> Path:
    """``var/backups/egov-YYYYmmdd-HHMMSS.tar.gz`` in local time, under the data directory."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"egov-{stamp}.tar.gz"


# --- Backup ---------------------------------------------------------------------------------


def backup_create(*, output: Path) -> Path:
    """Write the database and the default storage's files to a new archive at ``output``."""
    output = Path(output)
    vendor = _vendor()
    if output.exists():
        raise BackupError(BackupErrorCode.OUTPUT_EXISTS, f"Tệp {output} đã tồn tại; hãy chọn tên khác.")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="egov-backup-") as tmp:
        dump = Path(tmp) / "dump"
        state = _sqlite_dump(dump) if vendor == "sqlite" else _postgresql_dump(dump)
        # The archive holds password hashes and personal data: readable by the owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                with dump.open("rb") as stream:
                    members[DATABASE_MEMBERS[vendor]] = _add_member(
                        tar, DATABASE_MEMBERS[vendor], stream, dump.stat().st_size
                    )
                for name in _storage_files():
                    with default_storage.open(name, "rb") as stream:
                        members[MEDIA_PREFIX + name] = _add_member(
                            tar, MEDIA_PREFIX + name, stream, default_storage.size(name)
                        )
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "django_version": django.get_version(),
                    "database": {
                        "vendor": vendor,
                        "member": DATABASE_MEMBERS[vendor],
                        "migrations": state.migrations,
                        "row_counts": state.row_counts,
                    },
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                _add_member(tar, MANIFEST, _BytesReader(data), len(data))
            partial.replace(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return output


def _storage_files(directory: str = "") -> Iterator[str]:
    """Every file name in the default storage, walked with ``listdir`` (local disk and S3 alike)."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:  # a local MEDIA_ROOT that nothing was uploaded to yet
        return
    for name in sorted(files):
        yield directory + name
    for name in sorted(directories):
        yield from _storage_files(f"{directory}{name}/")


class _HashingReader:
    """Pass reads through while computing the sha256 of what was read."""

    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = data
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk = self.data[self.offset : end]
        self.offset += len(chunk)
        return chunk


def _add_member(tar: tarfile.TarFile, name: str, stream, size: int) -> dict:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    reader = _HashingReader(stream)
    tar.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": reader.size}


# --- Restore --------------------------------------------------------------------------------


def backup_restore(*, archive: Path, force: bool) -> RestoreReport:
    """Replace the database and restore the files from ``archive``, after checking all of it.

    Nothing is changed when a checksum does not match, the archive comes from another database
    vendor or a newer schema, or the database already holds data and ``force`` is false.
    """
    archive = Path(archive)
    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix="egov-restore-") as tmp:
        manifest, extracted = _extract_verified(archive, Path(tmp))
        database = manifest["database"]
        if database.get("vendor") != vendor:
            raise BackupError(
                BackupErrorCode.VENDOR_MISMATCH,
                f"Bản sao lưu được tạo từ cơ sở dữ liệu {database.get('vendor')}, "
                f"còn hệ thống đang dùng {vendor}: không thể khôi phục chéo giữa hai loại cơ sở dữ liệu.",
            )
        _check_schema_known(database.get("migrations", {}))
        if not force:
            derived = _derived_tables(connection)
            in_use = {t: n for t, n in _row_counts(connection).items() if n and t not in BOOKKEEPING_TABLES | derived}
            if in_use:
                sample = ", ".join(f"{t} ({n} dòng)" for t, n in sorted(in_use.items())[:5])
                raise BackupError(
                    BackupErrorCode.DATABASE_NOT_EMPTY,
                    f"Cơ sở dữ liệu đang có dữ liệu ({sample}…). Khôi phục sẽ ghi đè toàn bộ; "
                    "chạy lại với --yes nếu chắc chắn.",
                )

        dump = extracted[database["member"]]
        if vendor == "sqlite":
            _sqlite_restore(dump)
        else:
            _postgresql_restore(dump)
        ContentType.objects.clear_cache()

        media = {name: path for name, path in extracted.items() if name.startswith(MEDIA_PREFIX)}
        for member, path in sorted(media.items()):
            _storage_put(member.removeprefix(MEDIA_PREFIX), path)

    expected: dict[str, int] = database["row_counts"]
    actual = _row_counts(connection)
    mismatches = {t: (n, actual.get(t, 0)) for t, n in expected.items() if actual.get(t, 0) != n}
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return RestoreReport(
        created_at=manifest["created_at"],
        vendor=vendor,
        row_counts=actual,
        media_files=len(media),
        mismatches=mismatches,
        pending_migrations=[f"{m.app_label}.{m.name}" for m, _backwards in plan],
        extra_tables=sorted(set(actual) - set(expected)),
    )


def _extract_verified(archive: Path, into: Path) -> tuple[dict, dict[str, Path]]:
    """Extract every member to ``into`` while hashing it; refuse unless all match the manifest."""
    if not archive.is_file():
        raise BackupError(BackupErrorCode.INVALID_ARCHIVE, f"Không tìm thấy tệp sao lưu {archive}.")
    extracted: dict[str, Path] = {}
    found: dict[str, dict] = {}
    manifest_data = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for index, member in enumerate(tar):
                name = _checked_member_name(member)
                if name in found or (name == MANIFEST and manifest_data is not None):
                    raise BackupError(BackupErrorCode.INVALID_ARCHIVE, f"Tệp sao lưu chứa hai lần tệp “{name}”.")
                stream = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_data = stream.read()
                    continue
                target = into / f"{index:08d}"
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := stream.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                found[name] = {"sha256": digest.hexdigest(), "size": target.stat().st_size}
                extracted[name] = target
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(
            BackupErrorCode.INVALID_ARCHIVE, f"Tệp sao lưu {archive} bị hỏng hoặc không phải .tar.gz ({error})."
        ) from None

    manifest = _parse_manifest(manifest_data)
    listed: dict[str, dict] = manifest["members"]
    for name in sorted(set(listed) | set(found)):
        if name not in found:
            raise BackupError(BackupErrorCode.CHECKSUM_MISMATCH, f"Tệp sao lưu thiếu tệp “{name}” có trong manifest.")
        if name not in listed:
            raise BackupError(BackupErrorCode.CHECKSUM_MISMATCH, f"Tệp “{name}” không có trong manifest.")
        if found[name] != {"sha256": listed[name].get("sha256"), "size": listed[name].get("size")}:
            raise BackupError(
                BackupErrorCode.CHECKSUM_MISMATCH,
                f"Mã kiểm tra (sha256) của tệp “{name}” không khớp với manifest: tệp sao lưu đã bị sửa hoặc hỏng. "
                "Không khôi phục gì.",
            )
    if manifest["database"].get("member") not in found:
        raise BackupError(BackupErrorCode.INVALID_ARCHIVE, "Tệp sao lưu không có bản kết xuất cơ sở dữ liệu.")
    return manifest, extracted


def _checked_member_name(member: tarfile.TarInfo) -> str:
    name = member.name
    path = PurePosixPath(name)
    safe = (
        member.isfile()
        and not path.is_absolute()
        and str(path) == name
        and ".." not in path.parts
        and (name == MANIFEST or name in DATABASE_MEMBERS.values() or name.startswith(MEDIA_PREFIX))
    )
    if not safe:
        raise BackupError(BackupErrorCode.INVALID_ARCHIVE, f"Tệp sao lưu chứa mục không hợp lệ “{name}”.")
    return name


def _parse_manifest(data: bytes | None) -> dict:
    if data is None:
        raise BackupError(BackupErrorCode.INVALID_ARCHIVE, "Tệp sao lưu không có manifest.json.")
    try:
        manifest = json.loads(data)
    except ValueError:
        raise BackupError(BackupErrorCode.INVALID_ARCHIVE, "Tệp manifest.json không đọc được.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(BackupErrorCode.INVALID_ARCHIVE, "Tệp này không phải bản sao lưu của egov.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            BackupErrorCode.INVALID_ARCHIVE,
            f"Bản sao lưu có định dạng phiên bản {manifest.get('format_version')}, "
            f"phiên bản này chỉ đọc được định dạng {FORMAT_VERSION}.",
        )
    if not isinstance(manifest.get("members"), dict) or not isinstance(manifest.get("database"), dict):
        raise BackupError(BackupErrorCode.INVALID_ARCHIVE, "Tệp manifest.json thiếu thông tin bắt buộc.")
    return manifest


def _check_schema_known(migrations: dict[str, str]) -> None:
    """Refuse a dump whose schema has migrations this code does not know (made by a newer version)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    unknown = sorted(f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known)
    if unknown:
        raise BackupError(
            BackupErrorCode.SCHEMA_NEWER,
            "Bản sao lưu có lược đồ mà phiên bản phần mềm này không biết (" + ", ".join(unknown[:5]) + "); "
            "hãy khôi phục bằng phiên bản đã tạo ra bản sao lưu.",
        )


def _storage_put(name: str, path: Path) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    with path.open("rb") as stream:
        saved = default_storage.save(name, File(stream, name=PurePosixPath(name).name))
    if saved != name:
        raise BackupError(
            BackupErrorCode.STORAGE_FAILED, f"Không ghi được tệp “{name}” vào kho lưu trữ (đã lưu thành “{saved}”)."
        )


# --- Database vendors -----------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            BackupErrorCode.UNSUPPORTED_DATABASE, f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}."
        )
    return connection.vendor


def _table_names(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND pg_catalog.pg_table_is_visible(c.oid)"
        )
    return sorted(row[0] for row in cursor.fetchall())


def _derived_tables(conn) -> frozenset[str]:
    """SQLite full-text indexes (virtual tables and their shadow tables): rebuilt from other rows,
    and holding a few rows of their own even in a database with no data."""
    if conn.vendor != "sqlite":
        return frozenset()
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
        virtual = [row[0] for row in cursor.fetchall()]
        names = set(_table_names(cursor, "sqlite"))
    return frozenset(virtual) | {n for n in names for v in virtual if n.startswith(f"{v}_")}


def _inspect(cursor, vendor: str) -> _DatabaseState:
    """Row count of every table and the last applied migration of every app."""
    counts = {}
    tables = _table_names(cursor, vendor)
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (quoted identifier)
        counts[table] = cursor.fetchone()[0]
    migrations: dict[str, str] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations[app] = name
    return _DatabaseState(row_counts=counts, migrations=migrations)


def _row_counts(conn) -> dict[str, int]:
    with conn.cursor() as cursor:
        return _inspect(cursor, conn.vendor).row_counts


def _sqlite_path() -> str:
    if connection.is_in_memory_db():
        raise BackupError(BackupErrorCode.UNSUPPORTED_DATABASE, "Không sao lưu được cơ sở dữ liệu SQLite trong bộ nhớ.")
    return str(connection.settings_dict["NAME"])


def _sqlite_dump(dump: Path) -> _DatabaseState:
    # A connection of our own reads one consistent snapshot, whatever Django's connection is doing.
    with closing(sqlite3.connect(_sqlite_path(), timeout=20)) as source, closing(sqlite3.connect(dump)) as target:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        with closing(target.cursor()) as cursor:
            return _inspect(cursor, "sqlite")


def _sqlite_restore(dump: Path) -> None:
    connection.close()
    with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(_sqlite_path(), timeout=20)) as target:
        source.backup(target)


def _postgresql_env() -> dict[str, str]:
    """libpq variables for the tools: the password travels in the environment, never in argv."""
    params = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", params.get("HOST")),
        ("PGPORT", params.get("PORT")),
        ("PGUSER", params.get("USER")),
        ("PGPASSWORD", params.get("PASSWORD")),
        ("PGDATABASE", params.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    options = params.get("OPTIONS", {})
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def _postgresql_dump(dump: Path) -> _DatabaseState:
    tool = _pg_tool("pg_dump")
    # Count rows in the very snapshot pg_dump exports, so the manifest matches the dump exactly.
    raw = connection.Database.connect(**connection.get_connection_params())
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            state = _inspect(cursor, "postgresql")
            _run_tool(
                [
                    tool,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ]
            )
        raw.rollback()
    finally:
        raw.close()
    return state


def _postgresql_restore(dump: Path) -> None:
    tool = _pg_tool("pg_restore")
    connection.close()
    _run_tool(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
    )


def _run_tool(command: list[str]) -> None:
    result = subprocess.run(command, env=_postgresql_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = " ".join(result.stderr.strip().splitlines()[-3:])
        raise BackupError(
            BackupErrorCode.TOOL_FAILED,
            f"{Path(command[0]).name} thất bại (mã {result.returncode}): {detail}",
        )


_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


@cache
def _pg_tool(name: str) -> str:
    """The newest ``name`` found on PATH or in /usr/lib/postgresql/*/bin."""
    candidates = [Path(p) for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    versions = {}
    for candidate in candidates:
        try:
            output = subprocess.run(  # noqa: S603
                [str(candidate), "--version"], capture_output=True, text=True, check=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        if match := _VERSION.search(output):
            versions[str(candidate)] = (int(match.group(1)), int(match.group(2) or 0))
    if not versions:
        raise BackupError(
            BackupErrorCode.TOOL_MISSING,
            f"Không tìm thấy {name}: hãy cài gói postgresql-client cùng phiên bản với máy chủ.",
        )
    best = max(versions, key=versions.__getitem__)
    server_major = connection.pg_version // 10000
    if versions[best][0] < server_major:
        raise BackupError(
            BackupErrorCode.TOOL_MISSING,
            f"{name} phiên bản {versions[best][0]} cũ hơn máy chủ PostgreSQL {server_major}: "
            "hãy cài postgresql-client mới hơn.",
        )
    return best
