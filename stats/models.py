from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Project


class StatsSample(models.Model):
    """A project's figures as captured on one day.

    The capture window is the UTC day: a refresh that runs again on the same day updates
    that day's row rather than adding one, so re-runs never duplicate history.

    ``source`` says where the figures came from; for one day, observed beats import beats
    backfill (a backfill fills only days that have no row). ``recorded_at`` is when the row
    was written: a build reads only rows recorded before it ran, so it re-derives exactly.
    Backfilled days have stars only (GitHub keeps no history of forks or watchers).
    """

    class Source(models.TextChoices):
        OBSERVED = "observed", _("Observed")
        IMPORT = "import", _("Imported")
        BACKFILL = "backfill", _("GitHub's star history")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="samples")
    captured_on = models.DateField(_("captured on"))
    captured_at = models.DateTimeField(_("captured at"))
    stars = models.PositiveIntegerField(_("stars"))
    forks = models.PositiveIntegerField(_("forks"), null=True, blank=True)
    watchers = models.PositiveIntegerField(_("watchers"), null=True, blank=True)
    open_issues = models.PositiveIntegerField(_("open issues"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OBSERVED)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        # The table kept its name when the model moved here from rankings: no row was copied.
        db_table = "rankings_statssample"
        ordering = ["project", "captured_on"]
        verbose_name = _("stats sample")
        verbose_name_plural = _("stats samples")
        get_latest_by = "captured_on"
        constraints = [
            models.UniqueConstraint(fields=["project", "captured_on"], name="statssample_unique_window"),
        ]
        indexes = [models.Index(fields=["captured_on"], name="statssample_captured_on")]

    def __str__(self):
        return f"{self.project} on {self.captured_on}: {self.stars} stars"


class StarHistory(models.Model):
    """How far back a project's star history has been filled from GitHub, and what went wrong.

    A history is complete when ``reaches_back_to`` is the repository's creation day; a fetch
    that fails writes nothing (one transaction per project) and records the reason here.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        COMPLETE = "complete", _("Complete")
        DEFERRED = "deferred", _("Deferred until the rate limit resets")
        FAILED = "failed", _("Failed; retried later")
        MISSING = "missing", _("Repository not found")
        BLOCKED = "blocked", _("Repository blocked")
        NOT_OFFERED = "not_offered", _("Not offered by this GitHub")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="star_history")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    reaches_back_to = models.DateField(_("reaches back to"), null=True, blank=True)
    covered_until = models.DateField(_("covered until"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    requests = models.PositiveIntegerField(_("requests of the last fetch"), default=0)
    days_written = models.PositiveIntegerField(_("days written"), default=0)
    reason = models.TextField(_("reason"), blank=True)
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)

    class Meta:
        ordering = ["project"]
        verbose_name = _("star history")
        verbose_name_plural = _("star histories")
        indexes = [models.Index(fields=["status"], name="starhistory_status")]

    def __str__(self):
        return f"{self.project}: {self.get_status_display()}"
