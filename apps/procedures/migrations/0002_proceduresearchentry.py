"""The catalogue search index (apps/procedures/search.py): a table of folded words per procedure,
and on top of it an FTS5 table with triggers (SQLite) or a tsvector column with GIN and trigram
indexes (PostgreSQL). Made per database vendor, outside Django's model state.

A later migration that makes SQLite rebuild ``procedures_proceduresearchentry`` (an ALTER the
SQLite backend does by copying the table) drops the triggers: run ``create_vendor_objects`` again.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE procedures_search USING fts5(name, extra, "
    "content='procedures_proceduresearchentry', content_rowid='procedure_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE procedures_search_vocab USING fts5vocab(procedures_search, 'row')",
    "CREATE TRIGGER procedures_search_insert AFTER INSERT ON procedures_proceduresearchentry BEGIN "
    "INSERT INTO procedures_search(rowid, name, extra) VALUES (new.procedure_id, new.name, new.extra); END",
    "CREATE TRIGGER procedures_search_delete AFTER DELETE ON procedures_proceduresearchentry BEGIN "
    "INSERT INTO procedures_search(procedures_search, rowid, name, extra) "
    "VALUES ('delete', old.procedure_id, old.name, old.extra); END",
    "CREATE TRIGGER procedures_search_update AFTER UPDATE ON procedures_proceduresearchentry BEGIN "
    "INSERT INTO procedures_search(procedures_search, rowid, name, extra) "
    "VALUES ('delete', old.procedure_id, old.name, old.extra); "
    "INSERT INTO procedures_search(rowid, name, extra) VALUES (new.procedure_id, new.name, new.extra); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS procedures_search_update",
    "DROP TRIGGER IF EXISTS procedures_search_delete",
    "DROP TRIGGER IF EXISTS procedures_search_insert",
    "DROP TABLE IF EXISTS procedures_search_vocab",
    "DROP TABLE IF EXISTS procedures_search",
]
POSTGRESQL = [
    "ALTER TABLE procedures_proceduresearchentry ADD COLUMN document tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', extra), 'B')) STORED",
    "CREATE INDEX procedures_search_document ON procedures_proceduresearchentry USING gin (document)",
    "CREATE INDEX procedures_search_name_trgm ON procedures_proceduresearchentry USING gin (name gin_trgm_ops)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS procedures_search_name_trgm",
    "DROP INDEX IF EXISTS procedures_search_document",
    "ALTER TABLE procedures_proceduresearchentry DROP COLUMN IF EXISTS document",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def create_vendor_objects(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def drop_vendor_objects(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


def index_existing(apps, schema_editor):
    from apps.procedures.search import entry_texts

    Procedure = apps.get_model("procedures", "Procedure")
    Entry = apps.get_model("procedures", "ProcedureSearchEntry")
    entries = []
    for procedure in Procedure.objects.select_related("sector", "competent_agency").prefetch_related("life_events"):
        name, extra = entry_texts(
            name=procedure.name,
            code=procedure.code,
            sector=procedure.sector.name,
            agency=procedure.competent_agency.name if procedure.competent_agency_id else "",
            life_events=[event.name for event in procedure.life_events.all()],
        )
        entries.append(Entry(procedure=procedure, name=name, extra=extra))
    Entry.objects.bulk_create(entries, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0001_initial"),
        ("core", "0002_postgres_extensions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProcedureSearchEntry",
            fields=[
                (
                    "procedure",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="procedures.procedure",
                        verbose_name="procedure",
                    ),
                ),
                ("name", models.TextField(verbose_name="folded name")),
                (
                    "extra",
                    models.TextField(blank=True, verbose_name="folded sector, code, agency and life events"),
                ),
            ],
            options={
                "verbose_name": "procedure search entry",
                "verbose_name_plural": "procedure search entries",
                "ordering": ["procedure"],
            },
        ),
        migrations.RunPython(create_vendor_objects, drop_vendor_objects),
        migrations.RunPython(index_existing, migrations.RunPython.noop),
    ]
