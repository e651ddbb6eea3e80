from django import forms
from django.contrib import admin
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from github.repo_urls import InvalidGitHubURL, parse_github_url
from mltop.adminwidgets import SafeAutocompleteMixin

from .models import FETCHED_FIELDS, Author, Authorship, Project, Topic
from .selectors import project_with_repository


class ProjectAdminForm(forms.ModelForm):
    """Editors give a GitHub URL; owner, name and sub-path are derived from it."""

    repo_url = forms.CharField(
        label=_("GitHub URL"),
        help_text=_("https://github.com/OWNER/NAME, or …/tree/BRANCH/PATH for a folder of a repository."),
        max_length=500,
    )

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

    def clean_paper_urls(self):
        # Shown as links on the project page: only a list of web addresses, so no javascript:
        # link and nothing PostgreSQL's jsonb refuses (a NUL) gets past the form.
        urls = self.cleaned_data["paper_urls"]
        if urls in (None, ""):
            return []
        if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
            raise forms.ValidationError(
                _('Give a list of links, such as ["https://arxiv.org/abs/1703.06870"].'), code="invalid"
            )
        validate = URLValidator(schemes=["http", "https"])
        for url in urls:
            try:
                validate(url)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(url)s” is not a web address (https://…)."), code="invalid", params={"url": url[:80]}
                ) from None
        return urls

    def clean_repo_url(self):
        try:
            ref = parse_github_url(self.cleaned_data["repo_url"])
        except InvalidGitHubURL as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
        other = project_with_repository(owner=ref.owner, name=ref.name, sub_path=ref.sub_path)
        if other is not None and other.pk != self.instance.pk:
            raise forms.ValidationError(
                _("%(repo)s is already in the catalogue as “%(name)s”.") % {"repo": ref.html_url, "name": other},
                code="duplicate",
            )
        self.instance.repo_owner, self.instance.repo_name, self.instance.sub_path = ref.owner, ref.name, ref.sub_path
        return ref.html_url

    def clean(self):
        cleaned = super().clean()
        # The reason is shown publicly on the archive of removed projects (/methodology/).
        if cleaned.get("status") == Project.Status.EXCLUDED and not (cleaned.get("status_reason") or "").strip():
            self.add_error("status_reason", _("Say why the project is excluded: readers see this reason."))
        return cleaned


class AuthorshipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Authorship
    autocomplete_fields = ["author"]
    ordering = ["position", "id"]
    extra = 1


@admin.register(Project)
class ProjectAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = ["name", "full_name", "status", "stars", "archived", "last_fetched_at", "fetch_error_short"]
    list_filter = ["status", "archived", "topics"]
    search_fields = ["name", "slug", "repo_owner", "repo_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["topics"]
    inlines = [AuthorshipInline]
    readonly_fields = list(FETCHED_FIELDS)
    fieldsets = [
        (None, {"fields": ["name", "slug", "repo_url", "description", "topics", "paper_urls", "demo_url"]}),
        (_("Credits"), {"fields": ["authors_et_al"]}),
        (_("Editorial status"), {"fields": ["status", "status_reason", "ranking_keep"]}),
        (_("Fetched from GitHub"), {"fields": readonly_fields, "classes": ["collapse"]}),
    ]

    @admin.display(description=_("fetch error"))
    def fetch_error_short(self, project):
        return project.fetch_error[:60]


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
