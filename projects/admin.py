import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from github.repo_urls import InvalidGitHubURL, github_html_url, parse_github_url
from github.search import query_problem
from mltop.adminwidgets import SafeAutocompleteMixin

from . import discovery
from .models import (
    DISCOVERY_FIELDS,
    FETCHED_FIELDS,
    Author,
    Authorship,
    Candidate,
    Category,
    CategoryOverride,
    DiscoveryRule,
    ExclusionPattern,
    Project,
    RepositoryName,
    Topic,
)
from .selectors import project_for_repository
from .services import (
    RepositoryIdentity,
    duplicate_message,
    project_default_name,
    project_duplicate_of,
    repository_identify,
    unique_slug,
)
from .signals import projects_entered

PAPER_LINK_SLOTS = 5


def _padded(value, slots: int) -> list[str]:
    links = [link for link in value if isinstance(link, str)] if isinstance(value, list) else []
    return links + [""] * (slots - len(links))


class PaperLinksWidget(forms.MultiWidget):
    def __init__(self, slots: int):
        super().__init__([forms.URLInput(attrs={"class": "vURLField paper-link"}) for _i in range(slots)])

    def decompress(self, value):
        return _padded(value, len(self.widgets))


class PaperLinksField(forms.MultiValueField):
    """Paper links as a column of URL inputs (``slots`` of them); blank ones are ignored.

    Stored as the model's JSON list. Shown as links on the project page, so only http(s)
    addresses pass: no javascript: link, and nothing PostgreSQL's jsonb refuses (a NUL).
    """

    def __init__(self, *, slots: int = PAPER_LINK_SLOTS, **kwargs):
        fields = [forms.CharField(required=False, max_length=500) for _i in range(slots)]
        super().__init__(fields, require_all_fields=False, required=False, widget=PaperLinksWidget(slots), **kwargs)

    def prepare_value(self, value):
        return _padded(value, len(self.fields))

    def compress(self, data_list):
        links = [link for link in data_list if link]
        validate = URLValidator(schemes=["http", "https"])
        errors = []
        for number, link in enumerate(data_list, start=1):
            if not link:
                continue
            try:
                validate(link)
            except ValidationError:
                errors.append(
                    ValidationError(
                        _("Link %(number)d: “%(url)s” is not a web address (https://…)."),
                        code="invalid",
                        params={"number": number, "url": link[:80]},
                    )
                )
        if errors:
            raise ValidationError(errors)
        return links

    def has_changed(self, initial, data):
        links = [link.strip() for link in (data or []) if isinstance(link, str) and link.strip()]
        return _padded(initial, len(self.fields)) != _padded(links, len(self.fields))


class ProjectAdminForm(forms.ModelForm):
    """Editors give a GitHub URL; owner, name and sub-path are derived from it, and so may the name and slug."""

    repo_url = forms.CharField(
        label=_("GitHub URL"),
        help_text=_("https://github.com/OWNER/NAME, or …/tree/BRANCH/PATH for a folder of a repository."),
        max_length=500,
    )
    paper_urls = PaperLinksField(label=_("paper links"), help_text=_("One web address per box; leave the rest empty."))

    class Meta:
        model = Project
        fields = [
            "name",
            "slug",
            "repo_url",
            "description",
            "topics",
            "paper_urls",
            "demo_url",
            "authors_et_al",
            "status",
            "status_reason",
            "ranking_keep",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["repo_url"].initial = self.instance.html_url
        else:
            # A new project may be given its URL alone: clean() names it after the repository.
            self.fields["name"].required = False
            self.fields["name"].help_text = _("Left empty: the repository's name (or its folder's).")
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Left empty: made from the name.")
        links = self.instance.paper_urls if isinstance(self.instance.paper_urls, list) else []
        if len(links) + 2 > PAPER_LINK_SLOTS:
            # Every link the project has, and two empty boxes for more.
            field = self.fields["paper_urls"]
            self.fields["paper_urls"] = PaperLinksField(
                slots=len(links) + 2, label=field.label, help_text=field.help_text
            )

    def clean_repo_url(self):
        try:
            ref = parse_github_url(self.cleaned_data["repo_url"])
        except InvalidGitHubURL as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
        identity = RepositoryIdentity(ref.owner, ref.name)
        unchanged = self.instance.pk and (ref.owner.lower(), ref.name.lower(), ref.sub_path) == (
            self.instance.repo_owner.lower(),
            self.instance.repo_name.lower(),
            self.instance.sub_path,
        )
        if not unchanged and project_for_repository(owner=ref.owner, name=ref.name, sub_path=ref.sub_path) is None:
            identity = repository_identify(owner=ref.owner, name=ref.name)
        other = project_duplicate_of(ref=ref, identity=identity)
        if other is not None and other.pk != self.instance.pk:
            raise forms.ValidationError(duplicate_message(ref=ref, identity=identity, project=other), code="duplicate")
        self.renamed_from = identity.renamed_from
        self.instance.repo_owner, self.instance.repo_name = identity.owner, identity.name
        self.instance.sub_path = ref.sub_path
        if identity.github_id is not None and not Project.objects.filter(github_id=identity.github_id).exists():
            self.instance.github_id = identity.github_id
        return github_html_url(identity.owner, identity.name, ref.sub_path)

    def clean(self):
        cleaned = super().clean()
        # The reason is shown publicly on the archive of removed projects (/methodology/).
        if cleaned.get("status") == Project.Status.EXCLUDED and not (cleaned.get("status_reason") or "").strip():
            self.add_error("status_reason", _("Say why the project is excluded: readers see this reason."))
        if not self.instance.pk and cleaned.get("repo_url"):
            # As `track` does: named after the repository (or its folder), the slug made from the name.
            if not cleaned.get("name") and "name" not in self.errors:
                cleaned["name"] = project_default_name(
                    repo_name=self.instance.repo_name, sub_path=self.instance.sub_path
                )[:200]
            if cleaned.get("name") and not cleaned.get("slug") and "slug" not in self.errors:
                cleaned["slug"] = unique_slug(Project, cleaned["name"])
        return cleaned


class AuthorshipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Authorship
    autocomplete_fields = ["author"]
    ordering = ["position", "id"]
    extra = 1


@admin.register(Project)
class ProjectAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = ProjectAdminForm
    # "archived" is a filter, not a column: the list fits 1280 px beside the filters.
    list_display = ["name", "full_name", "status", "stars", "last_fetched_at", "fetch_error_short"]
    list_filter = ["status", "archived", "topics"]
    search_fields = ["name", "slug", "repo_owner", "repo_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["topics"]
    # Field overrides are edited on each field's page (CategoryAdmin), where editors curate it.
    inlines = [AuthorshipInline]

    readonly_fields = [*FETCHED_FIELDS, *DISCOVERY_FIELDS]
    fieldsets = [
        (None, {"fields": ["name", "slug", "repo_url", "description", "topics", "paper_urls", "demo_url"]}),
        (_("Credits"), {"fields": ["authors_et_al"]}),
        (_("Editorial status"), {"fields": ["status", "status_reason", "ranking_keep"]}),
        (_("Fetched from GitHub"), {"fields": list(FETCHED_FIELDS), "classes": ["collapse"]}),
        (_("Found by discovery"), {"fields": list(DISCOVERY_FIELDS), "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["css/mltop-admin-fit.css"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        renamed_from = getattr(form, "renamed_from", None)
        if renamed_from:
            RepositoryName.objects.get_or_create(project=obj, owner=renamed_from[0], name=renamed_from[1])
        if not change:
            # As `track` does: the new project's figures are fetched once this save commits.
            projects_entered.send(sender=Project, project_ids=[obj.pk])

    @admin.display(description=_("fetch error"))
    def fetch_error_short(self, project):
        return Truncator(project.fetch_error).chars(40)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "affiliation", "github_login"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "affiliation", "github_login"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]


class CreatedMonthFilter(admin.SimpleListFilter):
    title = _("created in")
    parameter_name = "created_month"

    def lookups(self, request, model_admin):
        today = timezone.now().date().replace(day=1)
        months = []
        for _i in range(6):
            months.append((today.strftime("%Y-%m"), today.strftime("%Y-%m")))
            today = (today - dt.timedelta(days=1)).replace(day=1)
        return months

    def queryset(self, request, queryset):
        try:
            month = dt.datetime.strptime(self.value() or "", "%Y-%m").date()
        except ValueError:
            return queryset
        return queryset.filter(repo_created_at__year=month.year, repo_created_at__month=month.month)


class StarsFilter(admin.SimpleListFilter):
    title = _("stars")
    parameter_name = "stars_range"
    RANGES = {"1000": (1000, None), "100": (100, 999), "20": (20, 99), "0": (0, 19)}

    def lookups(self, request, model_admin):
        return [("1000", "≥ 1,000"), ("100", "100–999"), ("20", "20–99"), ("0", "< 20")]

    def queryset(self, request, queryset):
        low, high = self.RANGES.get(self.value() or "", (None, None))
        if low is None:
            return queryset
        queryset = queryset.filter(stars__gte=low)
        return queryset.filter(stars__lte=high) if high is not None else queryset


class CandidateTopicFilter(admin.SimpleListFilter):
    """The 30 topics most candidates carry (discovery brings thousands of topics; a full list helps no one)."""

    title = _("topic")
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        rows = (
            Topic.objects.filter(projects__status=Project.Status.CANDIDATE)
            .annotate(n=Count("projects"))
            .order_by("-n", "slug")
            .values_list("slug", "n")[:30]
        )
        return [(slug, f"{slug} ({n})") for slug, n in rows]

    def queryset(self, request, queryset):
        return queryset.filter(topics__slug=self.value()) if self.value() else queryset


class RejectActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason (for “reject”)"),
        required=False,
        max_length=500,
        help_text=_("One reason for every candidate rejected; readers see it."),
    )


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    """Triage: most worth a look first (stars per day since creation, then stars); accept or reject in bulk."""

    list_display = [
        "name",
        "github_link",
        "stars",
        "stars_per_day",
        "repo_created_at",
        "language",
        "discovered_by",
        "description_short",
    ]
    list_display_links = ["name"]
    list_filter = ["discovered_by", CandidateTopicFilter, CreatedMonthFilter, StarsFilter, "language"]
    list_select_related = ["discovered_by"]
    search_fields = ["name", "repo_owner", "repo_name", "description"]
    ordering = ["-stars_per_day", "-stars", "pk"]
    list_per_page = 100
    show_full_result_count = False  # one COUNT fewer on a queue of thousands
    action_form = RejectActionForm
    actions = ["accept", "reject"]
    readonly_fields = [
        "name",
        "repo_owner",
        "repo_name",
        "github_id",
        "description",
        *[f for f in FETCHED_FIELDS if f != "github_id"],
        *DISCOVERY_FIELDS,
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Project.Status.CANDIDATE)

    def has_add_permission(self, request):
        return False  # candidates come from discovery; editors add projects under Projects

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("projects.change_project")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("projects.view_project") or self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # rejected, not deleted: a deleted candidate would be found again

    @admin.display(description=_("GitHub"))
    def github_link(self, project):
        return format_html('<a href="{}" rel="noopener" target="_blank">{}</a>', project.html_url, project.full_name)

    @admin.display(description=_("description"))
    def description_short(self, project):
        return project.description[:100]

    @admin.action(description=_("Accept the selected candidates (track them)"), permissions=["change"])
    def accept(self, request, queryset):
        count = discovery.candidates_accept(project_ids=list(queryset.values_list("pk", flat=True)))
        message = ngettext("%(count)d candidate is now tracked.", "%(count)d candidates are now tracked.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(
        description=_("Reject the selected candidates (exclude them, with the reason given)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        try:
            count = discovery.candidates_reject(
                project_ids=list(queryset.values_list("pk", flat=True)), reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        message = ngettext("%(count)d candidate was rejected.", "%(count)d candidates were rejected.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


class DiscoveryRuleForm(forms.ModelForm):
    class Meta:
        model = DiscoveryRule
        fields = [
            "name",
            "active",
            "topics",
            "keywords",
            "languages",
            "min_stars",
            "include_forks",
            "include_archived",
            "exclusions",
            "auto_accept_stars",
        ]

    def clean(self):
        cleaned = super().clean()
        for name in ("topics", "keywords", "languages", "exclusions"):
            value = cleaned.get(name)
            if value in (None, ""):
                cleaned[name] = []
            elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.add_error(name, _('Give a list of words, such as ["llm", "rag"].'))
        if not cleaned.get("topics") and not cleaned.get("keywords"):
            raise forms.ValidationError(_("A rule needs at least one topic or keyword."))
        rule = DiscoveryRule(**{k: v for k, v in cleaned.items() if k in ("topics", "keywords", "languages")})
        rule.min_stars = cleaned.get("min_stars") or 0
        try:
            for query in discovery.rule_queries(rule):
                problem = query_problem(f"{query} {discovery.LONGEST_WINDOW}")
                if problem:
                    raise forms.ValidationError(
                        _("The search “%(q)s” is %(problem)s.") % {"q": query, "problem": problem}
                    )
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        for pattern in cleaned.get("exclusions") or []:
            if not discovery.compile_patterns([(pattern, "any", "")]):
                self.add_error("exclusions", _("“%(p)s” is not a regular expression.") % {"p": pattern})
        return cleaned


@admin.register(DiscoveryRule)
class DiscoveryRuleAdmin(admin.ModelAdmin):
    form = DiscoveryRuleForm
    list_display = ["name", "active", "min_stars", "auto_accept_stars", "last_run_at", "candidate_count"]
    list_filter = ["active"]
    search_fields = ["name"]
    readonly_fields = ["last_run_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                candidate_count=Count(
                    "discovered_projects", filter=Q(discovered_projects__status=Project.Status.CANDIDATE)
                )
            )
        )

    @admin.display(description=_("candidates"), ordering="candidate_count")
    def candidate_count(self, rule):
        return rule.candidate_count


@admin.register(ExclusionPattern)
class ExclusionPatternAdmin(admin.ModelAdmin):
    list_display = ["pattern", "field", "reason", "active"]
    list_filter = ["field", "active"]
    search_fields = ["pattern", "reason"]


class CategoryMemberInline(SafeAutocompleteMixin, admin.TabularInline):
    """Projects an editor put in (or kept out of) this field, whatever their topics."""

    model = CategoryOverride
    fields = ["project", "member"]
    autocomplete_fields = ["project"]
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_zh", "slug", "position", "active", "topic_count"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["name_en", "name_zh", "slug", "topics__slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["topics"]
    inlines = [CategoryMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(topic_count=Count("topics", distinct=True))

    @admin.display(description=_("topics"), ordering="topic_count")
    def topic_count(self, category):
        return category.topic_count
