"""Status notices record how far their mailing got, so a task that died resumes there."""

from typing import Any

from django.db import migrations, models
from django.db.models import F


def finish_mailed_notices(apps: Any, schema_editor: Any) -> None:
    """Notices mailed before this change counted their recipients only at the end."""
    StatusNotice = apps.get_model("systems", "StatusNotice")  # noqa: N806
    StatusNotice.objects.filter(recipients__gt=0).update(finished_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("systems", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="statusnotice",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="statusnotice",
            name="mailed_through",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(finish_mailed_notices, migrations.RunPython.noop),
    ]
