"""On PostgreSQL, trigram indexes (pg_trgm) on the folded text: a query word of three or more
characters is checked with LIKE '%word%' in the documents' folded title and body, which
without them is a scan of every document (pg_trgm serves exactly these patterns). The
bigram postings still find and rank; results are the same with or without the extension.

pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database owner can
create it. Where it cannot be created, the migration says so and goes on — search stays
correct, only slower for long words. SQLite needs nothing (its scan is fast enough)."""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

INDEXES = {
    "search_doc_title_trgm": "folded_title",
    "search_doc_body_trgm": "folded_body",
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as exc:
            log.warning(
                "pg_trgm could not be created (%s): search works without it, but words of "
                "three or more characters are checked by scanning every document.",
                exc,
            )
            return
        for name, column in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON search_searchdocument "
                f"USING gin ({column} gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_covering_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
