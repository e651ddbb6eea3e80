from django import forms
from django.contrib import admin
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from github.repo_urls import InvalidGitHubURL, github_html_url, parse_github_url
from mltop.adminwidgets import SafeAutocompleteMixin

from .models import FETCHED_FIELDS, Author, Authorship, Project, RepositoryName, Topic
from .selectors import project_for_repository
from .services import RepositoryIdentity, duplicate_message, project_duplicate_of, repository_identify
from .signals import projects_entered


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
