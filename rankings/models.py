from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.models import Category, Project

from .titles import snapshot_title


class RankingSnapshotQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=RankingSnapshot.Status.PUBLISHED)

    def newest_first(self):
        return self.order_by("-taken_at", "-id")

    def with_title_order(self):
        """Annotate ``same_day_before``: how many published snapshots of the same origin and day,
        with generated titles, were taken before each one (its title's " #2"; titles.py)."""
        earlier = (
            RankingSnapshot.objects.published()
            .filter(title="", board=OuterRef("board"), origin=OuterRef("origin"), taken_at__date=OuterRef("title_day"))
            .filter(Q(taken_at__lt=OuterRef("taken_at")) | Q(taken_at=OuterRef("taken_at"), pk__lt=OuterRef("pk")))
            .order_by()
            .values("origin")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(title_day=TruncDate("taken_at")).annotate(
            same_day_before=Coalesce(Subquery(earlier), Value(0))
        )

    def board(self, board: str, *, category=None, period: str | None = None):
        """Snapshots of one board (and one category's, one period's)."""
        queryset = self.filter(board=board)
        if category is not None:
            queryset = queryset.filter(category=category)
        if period is not None:
            queryset = queryset.filter(period=period)
        return queryset


# Why a considered project is not in a computed ranking, as recorded in ``coverage``.
LEFT_OUT_REASONS = {
    "under_star_floor": _("under the star floor"),
    "archived": _("archived"),
    "inactive": _("no recent push"),
    "excluded": _("excluded by an editor"),
    "missing": _("missing on GitHub"),
    "no_figures": _("no recent figures"),
    "below_top_k": _("below the top of the ranking"),
    "fork": _("a fork"),
}


class RankingSnapshot(models.Model):
    """A ranking as it stood at one moment: frozen once published."""

    class Origin(models.TextChoices):
        EDITORIAL = "editorial", _("Editorial edition")
        COMPUTED = "computed", _("Computed")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Board(models.TextChoices):
        OVERALL = "overall", _("Overall")
        NEW = "new", _("New this month")
        CATEGORY = "category", _("Field")

    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for a title made from the origin and date, in each reader's language."),
    )
    board = models.CharField(_("board"), max_length=10, choices=Board.choices, default=Board.OVERALL)
    period = models.CharField(
        _("period"),
        max_length=10,
        blank=True,
        help_text=_("The month (YYYY-MM) of a newcomers' edition; the as-of day (YYYY-MM-DD) of a daily board."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snapshots",
        verbose_name=_("category"),
        help_text=_("The field of a category board."),
    )
    taken_at = models.DateTimeField(_("taken at"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.COMPUTED)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    method = models.CharField(_("scoring method"), max_length=100, blank=True)
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    parameters = models.JSONField(
        _("scoring parameters"),
        default=dict,
        blank=True,
        help_text=_("Windows, caps, as-of date and size the scoring used; with the weights they re-derive it."),
    )
    coverage = models.JSONField(
        _("coverage"),
        default=dict,
        blank=True,
        help_text=_("Projects considered, ranked, and why the others are not ranked (computed snapshots)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editions",
        verbose_name=_("based on"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = RankingSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("ranking snapshot")
        verbose_name_plural = _("ranking snapshots")
        indexes = [
            models.Index(fields=["status", "-taken_at"], name="snapshot_status_taken"),
            models.Index(fields=["board", "category", "status", "-taken_at"], name="snapshot_board_taken"),
            models.Index(fields=["board", "period", "status", "-taken_at"], name="snapshot_board_period"),
        ]
        constraints = [
            # A category board names its category; the other boards name none.
            models.CheckConstraint(
                condition=Q(board="category", category__isnull=False)
                | (~Q(board="category") & Q(category__isnull=True)),
                name="snapshot_category_iff_category_board",
            ),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("snapshot-detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if (self.board == self.Board.CATEGORY) != (self.category_id is not None):
            raise ValidationError({"category": _("A field board names its field; the other boards name none.")})

    def validate_constraints(self, exclude=None):
        # clean() checks board against category without the query the constraint's validation
        # would run (builds count their queries); the database still enforces it.
        super().validate_constraints(exclude={*(exclude or ()), "board"})

    @property
    def display_title(self) -> str:
        """The title readers see: as an editor typed it, or generated in the active language
        (``rankings.titles``), never a stored English one alone."""
        return snapshot_title(self)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def left_out_counts(self) -> list[tuple[str, str, int]]:
        """(code, label in the reader's language, count) of the projects not ranked, most first."""
        left_out = (self.coverage or {}).get("left_out", {})
        counts = [(code, str(LEFT_OUT_REASONS.get(code, code)), item["count"]) for code, item in left_out.items()]
        return sorted(counts, key=lambda row: (-row[2], row[0]))


class RankingEntry(models.Model):
    """One project's place in one snapshot, with the figures and score that put it there."""

    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ranking_entries")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"), null=True, blank=True)
    breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    stars = models.PositiveIntegerField(_("stars"), null=True, blank=True)
    stars_gained_30d = models.IntegerField(_("stars gained in 30 days"), null=True, blank=True)
    stars_gained_365d = models.IntegerField(_("stars gained in 365 days"), null=True, blank=True)
    previous_rank = models.PositiveSmallIntegerField(
        _("previous rank"), null=True, blank=True, help_text=_("Rank in the previous published snapshot.")
    )
    blurb = models.TextField(_("blurb"), blank=True)
    flags = models.JSONField(
        _("flags for editors"), default=list, blank=True, help_text=_("Such as “unusual star spike on DATE”.")
    )

    class Meta:
        ordering = ["snapshot", "rank"]
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "rank"], name="rankingentry_unique_rank"),
            models.UniqueConstraint(fields=["snapshot", "project"], name="rankingentry_unique_project"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="rankingentry_rank_positive"),
        ]

    def __str__(self):
        return f"#{self.rank} {self.project} in {self.snapshot}"


class ProjectFigures(models.Model):
    """One project's sample-derived figures as of a day, kept up to date as its samples are written.

    Exactly what a row of ``figures.candidates_as_of`` reads from the samples (newest figures,
    raw and capped gains over both windows, spikes, the gains in the as-of day's month), so a
    build of today reads these rows instead of a year of samples per project. Facts an editor
    or a refresh sets on the project (status, archived, keep, pushed-at fallback, missing,
    created, fork, name) are not copied: a build joins them from the project table.

    A row is valid for a build when it was computed as of the build's day, under the same
    ``params_key`` and from samples all recorded before the build started (``recorded_through``);
    the build recomputes any other row (``kept_figures``). ``stars`` is null when the project
    had no capture in the history window.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="kept_figures")
    as_of = models.DateField(_("as of"))
    params_key = models.CharField(_("parameters key"), max_length=64)
    recorded_through = models.DateTimeField(_("newest sample recorded at"), null=True, blank=True)
    stars = models.PositiveIntegerField(_("stars"), null=True, blank=True)
    forks = models.PositiveIntegerField(_("forks"), null=True, blank=True)
    watchers = models.PositiveIntegerField(_("watchers"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True)
    gained_short = models.BigIntegerField(default=0)
    gained_long = models.BigIntegerField(default=0)
    counted_short = models.BigIntegerField(default=0)
    counted_long = models.BigIntegerField(default=0)
    spikes = models.IntegerField(default=0)
    month_gained = models.BigIntegerField(default=0)
    month_counted = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["project"]
        verbose_name = _("kept figures")
        verbose_name_plural = _("kept figures")

    def __str__(self):
        return f"{self.project_id} as of {self.as_of}"
