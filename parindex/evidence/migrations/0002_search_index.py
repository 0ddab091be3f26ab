"""The full-text index of evidence documents (see parindex/evidence/search.py): an FTS5 table on
SQLite, a GIN index on to_tsvector('simple', folded) on PostgreSQL; nothing on other databases."""

from django.db import migrations


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS evidence_search USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS evidence_facts_search ON evidence_documentfacts "
            "USING gin (to_tsvector('simple', folded))"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS evidence_search")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS evidence_facts_search")


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_facts")]

    operations = [migrations.RunPython(create, drop)]
