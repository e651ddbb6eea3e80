from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import Project


class StatsSample(models.Model):
    """A project's figures as captured on one day.

    The capture window is the UTC day: a refresh that runs again on the same day updates
    that day's row rather than adding one, so re-runs never duplicate history.
    """

    class Source(models.TextChoices):
        GITHUB = "github", _("GitHub")
        IMPORT = "import", _("Imported")
        ARTICLE = "article", _("Published article")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="samples")
    captured_on = models.DateField(_("captured on"))
    captured_at = models.DateTimeField(_("captured at"))
    stars = models.PositiveIntegerField(_("stars"))
    forks = models.PositiveIntegerField(_("forks"), null=True, blank=True)
    watchers = models.PositiveIntegerField(_("watchers"), null=True, blank=True)
    open_issues = models.PositiveIntegerField(_("open issues"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.GITHUB)

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
