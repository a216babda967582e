"""Database triggers that refuse to rewrite the audit trail, for code that goes around the ORM.

PostgreSQL refuses UPDATE and DELETE of a row (TRUNCATE, used by the test suite's flush, is not a
row operation). SQLite refuses UPDATE only: pytest-django flushes SQLite with DELETE.

SQLite drops a table's triggers when Django's schema editor rebuilds the table, so a later
migration that alters ``audit_auditevent`` must install them again (``install_triggers``); the test
``test_plain_sql_update_is_refused`` catches a forgotten one.
"""

from django.db import migrations

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'Nhật ký kiểm toán chỉ được ghi thêm: không được % sự kiện đã ghi.', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only
        BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
]
SQLITE_INSTALL = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update
        BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'Nhật ký kiểm toán chỉ được ghi thêm: không được UPDATE sự kiện đã ghi.');
    END
    """,
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS audit_auditevent_no_update"]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def install_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})


def remove_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_REMOVE, "sqlite": SQLITE_REMOVE})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_search_keys_and_indexes"),
    ]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers),
    ]
