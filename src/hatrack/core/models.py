"""Records that belong to no district domain: the audit trail and worker liveness."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEntry(models.Model):
    """One change to a record (or one import batch): who, when, what changed.

    Written only through `hatrack.core.audit`; never edited afterwards.
    `changes` maps a field name to `[before, after]` for updates, or to the value
    for creates and deletes; import batches keep their counts in `changes`.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        IMPORT = "import", "Imported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept so the entry still names its author after the account is deleted.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            models.Index(fields=["action", "-at"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} by {self.actor_name or 'system'}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of a `hatrack worker` process.

    A running task whose worker has gone quiet for longer than
    HATRACK_WORKER_STALE_AFTER seconds is handed back to the queue.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname}"


class ImportRun(models.Model):
    """One run of an importer (OneRoster now; device consoles later): its progress and outcome.

    The page polls this row for the progress bar; the worker updates it as it streams.
    `errors` holds the first rows that failed (file, line, field, reason), capped so a
    broken 100 MB file cannot bloat the database; `error_count` has the full number.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Rejected (nothing imported)"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    source_name = models.CharField(max_length=255, help_text="The uploaded file or folder name.")
    source_path = models.CharField(max_length=500, blank=True)
    options = models.JSONField(default=dict, blank=True)
    phase = models.CharField(max_length=100, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="importrun_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.source_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.finished_at else 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED}


class ScheduledJob(models.Model):
    """When a periodic job (mail polling, SLA warnings, health checks) is next due.

    Jobs are declared in code (`core.schedule.every`); this row is their shared clock.
    Every worker looks at it, and the one whose conditional UPDATE moves `next_run_at`
    forward enqueues the task, so several workers never run the same round twice.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"
