"""Indexes for the technician's queue and the leader's metrics at district scale.

`ticket_open_updated_idx` lists the open tickets newest activity first, so the queue's
open views and "breaching today" read the open tickets only; its trailing columns let
the backlog and workload metrics count open tickets from the index alone.

`ticket_created_idx` (a period's tickets, by creation time) now carries every column the
metrics read of those tickets, so SQLite counts, groups and ranks them from the index
alone: a row lookup per ticket, repeated for each figure, was most of the metrics' time.

On PostgreSQL, a trigram index on UPPER(subject) lets the queue's subject search (Django's
`icontains`, `UPPER(subject::text) LIKE UPPER('%word%')`) find rare words without reading
every ticket. It needs the pg_trgm extension, which is "trusted" since PostgreSQL 13: the
database's owner may create it without superuser rights. Where the extension cannot be
created, the index is left out and search reads the table as before; nothing else
depends on it. SQLite has no such index and keeps scanning newest first.
"""

from django.apps.registry import Apps
from django.db import DatabaseError, migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TRIGRAM_INDEX = "ticket_subject_trgm_idx"


def _has_trigrams(schema_editor: BaseDatabaseSchemaEditor) -> bool:
    """Is pg_trgm installed, or can it be installed here? (PostgreSQL only.)"""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            return True
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if not cursor.fetchone():
            return False
        try:
            # A savepoint: a refused CREATE EXTENSION must not abort the migration.
            cursor.execute("SAVEPOINT hatrack_trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("RELEASE SAVEPOINT hatrack_trgm")
        except DatabaseError:  # refused (no privilege): search works without the index
            cursor.execute("ROLLBACK TO SAVEPOINT hatrack_trgm")
            return False
        return True


def add_subject_trigrams(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql" or not _has_trigrams(schema_editor):
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON servicedesk_ticket "
        "USING gin ((UPPER(subject::text)) gin_trgm_ops)"
    )


def drop_subject_trigrams(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0002_mail_sla_knowledge_desk_automation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ["resolved", "closed"]), _negated=True),
                fields=[
                    "-updated_at",
                    "-id",
                    "status",
                    "queue",
                    "site",
                    "assignee",
                    "created_at",
                ],
                name="ticket_open_updated_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="ticket", name="ticket_created_idx"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=[
                    "created_at",
                    "id",
                    "merged_into",
                    "queue",
                    "site",
                    "category",
                    "channel",
                    "assignee",
                    "first_response_at",
                    "resolved_at",
                    "first_response_due",
                    "resolution_due",
                ],
                name="ticket_created_idx",
            ),
        ),
        migrations.RunPython(add_subject_trigrams, drop_subject_trigrams),
    ]
