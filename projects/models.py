import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from github.repo_urls import github_html_url
from mltop.indexes import NullsPlacedIndex


class Topic(models.Model):
    """A subject tag (``object-detection``); projects carry several, lists filter by them."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class Author(models.Model):
    """A person or an organization credited with projects."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organization")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    github_login = models.CharField(_("GitHub login"), max_length=39, blank=True)
    url = models.URLField(_("URL"), blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("author-detail", kwargs={"slug": self.slug})


class DiscoveryRule(models.Model):
    """What discovery searches GitHub for: topics and/or keywords, with a star floor and exclusions.

    Every topic and every keyword is one search (times each language, if any), over the
    window of creation dates a run covers; see projects/discovery.py.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    topics = models.JSONField(_("GitHub topics"), default=list, blank=True, help_text=_("One search per topic."))
    keywords = models.JSONField(
        _("keywords"),
        default=list,
        blank=True,
        help_text=_("Words or phrases in the name or description; one search each."),
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Only these primary languages; empty for any.")
    )
    min_stars = models.PositiveIntegerField(_("minimum stars"), default=20)
    include_forks = models.BooleanField(_("include forks"), default=False)
    include_archived = models.BooleanField(_("include archived repositories"), default=False)
    exclusions = models.JSONField(
        _("exclusions"),
        default=list,
        blank=True,
        help_text=_("Regular expressions; a repository whose name, description or topics match one is skipped."),
    )
    auto_accept_stars = models.PositiveIntegerField(
        _("auto-accept from stars"),
        null=True,
        blank=True,
        help_text=_("Candidates this rule finds with at least this many stars are tracked at once. Empty: off."),
    )
    active = models.BooleanField(_("active"), default=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("discovery rule")
        verbose_name_plural = _("discovery rules")

    def __str__(self):
        return self.name


class ExclusionPattern(models.Model):
    """What is not a project (a curated list, a course, a mirror): discovery skips what matches."""

    class Field(models.TextChoices):
        ANY = "any", _("Name, description or topics")
        NAME = "name", _("Name")
        DESCRIPTION = "description", _("Description")
        TOPICS = "topics", _("Topics")

    pattern = models.CharField(
        _("pattern"), max_length=500, help_text=_("A regular expression, matched without regard to case.")
    )
    field = models.CharField(_("applies to"), max_length=12, choices=Field.choices, default=Field.ANY)
    reason = models.CharField(_("reason"), max_length=100, help_text=_("What it catches, e.g. “curated list”."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["field", "pattern"]
        verbose_name = _("exclusion pattern")
        verbose_name_plural = _("exclusion patterns")
        constraints = [
            models.UniqueConstraint(fields=["pattern", "field"], name="exclusionpattern_unique_pattern"),
        ]

    def __str__(self):
        return f"{self.pattern} ({self.get_field_display()})"

    def clean(self):
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise ValidationError({"pattern": _("Not a regular expression: %(error)s") % {"error": exc}}) from exc


class ProjectQuerySet(models.QuerySet):
    def tracked(self):
        return self.filter(status=Project.Status.TRACKED)

    def candidates(self):
        return self.filter(status=Project.Status.CANDIDATE)

    def refreshable(self):
        """What the refresh keeps current: tracked projects and candidates awaiting a decision."""
        return self.filter(status__in=[Project.Status.TRACKED, Project.Status.CANDIDATE])

    def visible_to(self, user):
        """Candidates are for editors (who may view projects); everyone else sees the rest, as before."""
        if user is not None and user.is_authenticated:
            if user.has_perm("projects.view_project") or user.has_perm("projects.change_project"):
                return self
        return self.exclude(status=Project.Status.CANDIDATE)

    def with_credits(self):
        """Authors in credit order and topics, in a fixed number of queries."""
        return self.prefetch_related(
            models.Prefetch("authorships", queryset=Authorship.objects.select_related("author").order_by("position")),
            "topics",
        )


# The figures and repository facts the stats pipeline writes; editors only read them.
FETCHED_FIELDS = (
    "stars",
    "forks",
    "watchers",
    "open_issues",
    "stars_gained_30d",
    "archived",
    "fork",
    "license",
    "language",
    "repo_created_at",
    "pushed_at",
    "last_fetched_at",
    "fetch_error",
    "missing_since",
    "github_id",
)

# Where a discovered project came from; written by discovery only.
DISCOVERY_FIELDS = ("discovered_by", "discovered_query", "discovered_at", "discovered_stars", "stars_per_day")


class Project(models.Model):
    """A GitHub repository (or a folder of one) that MLTop follows."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        TRACKED = "tracked", _("Tracked")
        EXCLUDED = "excluded", _("Excluded")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    repo_owner = models.CharField(_("repository owner"), max_length=39)
    repo_name = models.CharField(_("repository name"), max_length=100)
    sub_path = models.CharField(
        _("sub-path"), max_length=255, blank=True, help_text=_("Folder inside the repository, if any.")
    )
    github_id = models.BigIntegerField(_("GitHub repository id"), null=True, blank=True, unique=True)
    description = models.TextField(_("description"), blank=True)
    topics = models.ManyToManyField(Topic, related_name="projects", blank=True, verbose_name=_("topics"))
    paper_urls = models.JSONField(_("paper links"), default=list, blank=True)
    demo_url = models.URLField(_("demo link"), blank=True)
    authors = models.ManyToManyField(Author, through="Authorship", related_name="projects", verbose_name=_("authors"))
    authors_et_al = models.BooleanField(
        _("et al."), default=False, help_text=_("More people worked on it than the authors listed.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    status_reason = models.TextField(
        _("reason for status"), blank=True, help_text=_("Shown publicly when a project is excluded.")
    )
    ranking_keep = models.BooleanField(
        _("keep in rankings"),
        default=False,
        help_text=_("Stay eligible for computed rankings even when archived or long without a push."),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    # Latest fetched figures and repository facts; written by the stats pipeline only.
    stars = models.PositiveIntegerField(_("stars"), null=True, blank=True)
    forks = models.PositiveIntegerField(_("forks"), null=True, blank=True)
    watchers = models.PositiveIntegerField(_("watchers"), null=True, blank=True)
    open_issues = models.PositiveIntegerField(_("open issues"), null=True, blank=True)
    stars_gained_30d = models.IntegerField(_("stars gained in 30 days"), null=True, blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    fork = models.BooleanField(_("fork"), default=False, help_text=_("GitHub says it is a fork of another repository."))
    license = models.CharField(_("license"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=100, blank=True)
    repo_created_at = models.DateTimeField(_("repository created at"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("last pushed at"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)
    fetch_error = models.TextField(_("last fetch error"), blank=True)
    missing_since = models.DateTimeField(
        _("missing since"), null=True, blank=True, help_text=_("GitHub answered 'not found'.")
    )
    etag = models.CharField(_("ETag"), max_length=200, blank=True)

    # Provenance of a project that discovery found: which rule and query, when, with how many stars.
    discovered_by = models.ForeignKey(
        DiscoveryRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discovered_projects",
        verbose_name=_("found by rule"),
    )
    discovered_query = models.CharField(_("found by search"), max_length=300, blank=True)
    discovered_at = models.DateTimeField(_("found at"), null=True, blank=True)
    discovered_stars = models.PositiveIntegerField(_("stars when found"), null=True, blank=True)
    stars_per_day = models.FloatField(
        _("stars per day"), null=True, blank=True, help_text=_("Stars per day since the repository was created.")
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(
                Lower("repo_owner"),
                Lower("repo_name"),
                "sub_path",
                name="project_unique_repository",
                violation_error_message=_("This GitHub repository is already in the catalogue."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-stars"], name="project_status_stars"),
            models.Index(fields=["-stars"], name="project_stars"),
            models.Index(fields=["status", "-stars_per_day", "-stars"], name="project_status_worth_a_look"),
            # The API's catalogue pages (keyset pagination, mltop/api/pagination.py) in its
            # default and busiest orders, NULLs last, ties by id; a "previous" page reads the
            # same index backwards.
            NullsPlacedIndex(F("stars").desc(nulls_last=True), F("id"), name="project_keyset_stars"),
            NullsPlacedIndex(F("stars_gained_30d").desc(nulls_last=True), F("id"), name="project_keyset_growth"),
            models.Index(fields=["name", "id"], name="project_keyset_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("project-detail", kwargs={"slug": self.slug})

    @property
    def full_name(self) -> str:
        return f"{self.repo_owner}/{self.repo_name}"

    @property
    def html_url(self) -> str:
        return github_html_url(self.repo_owner, self.repo_name, self.sub_path)

    @property
    def is_missing(self) -> bool:
        return self.missing_since is not None


class Candidate(Project):
    """Discovery's queue in admin: candidates only, most worth a look first (a proxy of Project)."""

    class Meta:
        proxy = True
        ordering = ["-stars_per_day", "-stars", "pk"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates (discovery queue)")


class RepositoryName(models.Model):
    """An earlier owner/name of a project's repository (a rename or transfer GitHub reported).

    Kept so that what still uses the old name (a CSV, a URL an editor pastes, a search hit)
    finds the project instead of making a second one.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="former_names")
    owner = models.CharField(_("repository owner"), max_length=39)
    name = models.CharField(_("repository name"), max_length=100)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["project", "recorded_at", "id"]
        verbose_name = _("earlier repository name")
        verbose_name_plural = _("earlier repository names")
        constraints = [
            models.UniqueConstraint(Lower("owner"), Lower("name"), "project", name="repositoryname_unique_per_project"),
        ]
        indexes = [models.Index(Lower("owner"), Lower("name"), name="repositoryname_lookup")]

    def __str__(self):
        return f"{self.owner}/{self.name} (now {self.project.full_name})"


class Authorship(models.Model):
    """One author's credit on one project, in credit order."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        # Positions are not unique so that editors can swap two credits in one save.
        ordering = ["project", "position", "id"]
        verbose_name = _("authorship")
        verbose_name_plural = _("authorships")
        constraints = [
            models.UniqueConstraint(fields=["project", "author"], name="authorship_unique_author"),
        ]

    def __str__(self):
        return f"{self.author} on {self.project}"


class Category(models.Model):
    """A field of machine learning (computer vision, language models...) with a board of its own.

    A project belongs to a category when it carries one of the category's GitHub topics,
    unless an editor says otherwise (``CategoryOverride``).
    """

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    topics = models.ManyToManyField(
        Topic,
        related_name="categories",
        blank=True,
        verbose_name=_("GitHub topics"),
        help_text=_("A project carrying any of these topics belongs to the category."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order in lists."))
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive categories get no board."))

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name_en

    def get_absolute_url(self):
        return reverse("category-detail", kwargs={"slug": self.slug})

    def name_in(self, language: str | None) -> str:
        """The name in a language code (``zh-hans``...); English for anything but Chinese."""
        return self.name_zh if (language or "").lower().startswith("zh") and self.name_zh else self.name_en

    def description_in(self, language: str | None) -> str:
        if (language or "").lower().startswith("zh") and self.description_zh:
            return self.description_zh
        return self.description_en


class CategoryOverride(models.Model):
    """An editor's word on one project in one category, over what its topics say."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="category_overrides")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="overrides")
    member = models.BooleanField(
        _("belongs"), default=True, help_text=_("Checked: in the category whatever its topics; unchecked: never in it.")
    )

    class Meta:
        ordering = ["category", "project"]
        verbose_name = _("category override")
        verbose_name_plural = _("category overrides")
        constraints = [
            models.UniqueConstraint(fields=["project", "category"], name="categoryoverride_unique_project"),
        ]

    def __str__(self):
        return f"{self.project} {'in' if self.member else 'not in'} {self.category}"
