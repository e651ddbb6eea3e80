import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mltop.adminwidgets import SafeAutocompleteMixin
from projects.models import Project

from . import services
from .models import RankingEntry, RankingSnapshot
from .scoring import ordered_breakdown


def _rounded(value):
    """``value`` with every float at 3 decimals: scores and weights are not read to 16 digits."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def compact_json(value) -> str:
    """A JSON field shown read-only: one short line, floats at 3 decimals."""
    if not value:
        return "—"
    text = json.dumps(_rounded(value), ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return format_html('<code class="compact-json">{}</code>', text)


class RankingEntryForm(forms.ModelForm):
    class Meta:
        model = RankingEntry
        fields = ["rank", "project", "stars", "blurb"]
        widgets = {"blurb": forms.Textarea(attrs={"rows": 3, "cols": 30})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ranks are left out of the model's checks (below), so the form keeps them in the range the
        # column and the rankingentry_rank_positive constraint take, rather than the database refusing.
        self.fields["rank"].validators += [MinValueValidator(1), MaxValueValidator(services.MAX_TOP_K)]

    def _get_validation_exclusions(self):
        # Ranks are checked across the whole formset (RankingEntryFormSet.clean): checked row
        # by row against the database, swapping two ranks in one save would look like a clash.
        exclude = super()._get_validation_exclusions()
        exclude.add("rank")
        return exclude


class RankingEntryFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        counts: dict[int, int] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or (self.can_delete and self._should_delete_form(form)):
                continue
            rank = form.cleaned_data.get("rank")
            if rank is not None:
                counts[rank] = counts.get(rank, 0) + 1
        duplicates = sorted(rank for rank, n in counts.items() if n > 1)
        if duplicates:
            raise ValidationError(
                _("Please correct the duplicate ranks: %(ranks)s.") % {"ranks": ", ".join(map(str, duplicates))}
            )


class RankingEntryInline(SafeAutocompleteMixin, admin.TabularInline):
    model = RankingEntry
    form = RankingEntryForm
    formset = RankingEntryFormSet
    autocomplete_fields = ["project"]
    ordering = ["rank"]
    fields = ["rank", "project", "score_shown", "stars", "stars_gained_30d", "previous_rank", "flags_list", "blurb"]
    readonly_fields = ["score_shown", "stars_gained_30d", "previous_rank", "flags_list"]
    extra = 0

    @admin.display(description=_("score"))
    def score_shown(self, entry):
        """The score at 3 decimals; its breakdown (component: value × weight) on hover."""
        if entry.score is None:
            return "—"
        parts = [
            f"{name}: {part.get('value', 0):.3f} × {part.get('weight', 0):.3f} = {part.get('contribution', 0):.3f}"
            for name, part in ordered_breakdown(entry.breakdown or {})
        ]
        return format_html('<span title="{}">{}</span>', "\n".join(parts), f"{entry.score:.3f}")

    @admin.display(description=_("flags"))
    def flags_list(self, entry):
        if not entry.flags:
            return "—"
        return format_html_join(mark_safe("<br>"), '<span class="entry-flag">{}</span>', ((f,) for f in entry.flags))

    def _editable(self, obj):
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


def _apply_entry_rows(snapshot: RankingSnapshot, formset) -> None:
    """Make the draft's entries what the inline shows, through the services that check editors' edits.

    Projects out of the list (deleted rows, rows given another project) are unpinned, projects
    into it pinned at the end; then every row takes the rank the form shows, in one step, so
    ranks can swap and the gaps an unpin closes stay where the editor left them.
    """
    originals = {entry.pk: entry for entry in snapshot.entries.select_related("project")}
    replaced = {entry.pk: changed for entry, changed in formset.changed_objects if "project" in changed}
    for entry in [*formset.deleted_objects, *(originals[pk] for pk in replaced)]:
        services.snapshot_entry_unpin(snapshot=snapshot, project=originals[entry.pk].project)

    deleted = {entry.pk for entry in formset.deleted_objects}
    rows = [f.instance for f in formset.initial_forms if f.instance.pk not in deleted]
    wanted: dict[int, int] = {}
    for row in rows + formset.new_objects:
        if row.pk is not None and row.pk not in replaced:
            wanted[row.pk] = row.rank
            continue
        entry = services.snapshot_entry_pin(snapshot=snapshot, project=row.project, blurb=row.blurb)
        # A new row's stars are the editor's when given, else the pin's (the project's figure then).
        if "stars" in replaced.get(row.pk, ()) or (row.pk is None and row.stars is not None):
            services.snapshot_entry_set_stars(entry=entry, stars=row.stars)
        wanted[entry.pk] = row.rank

    current = dict(snapshot.entries.values_list("pk", "rank"))
    moved = {pk: rank for pk, rank in wanted.items() if pk in current and current[pk] != rank}
    if moved:
        services.snapshot_set_ranks(snapshot=snapshot, ranks=moved)
    for entry, changed in formset.changed_objects:
        if entry.pk in replaced:
            continue
        if "blurb" in changed:
            services.snapshot_entry_set_blurb(entry=entry, blurb=entry.blurb)
        if "stars" in changed:
            services.snapshot_entry_set_stars(entry=entry, stars=entry.stars)


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(admin.ModelAdmin):
    # The title names the period and field of a board's snapshot; columns kept to what fits 1280 px.
    list_display = ["title_shown", "board", "origin", "status", "taken_at"]
    list_filter = ["status", "origin", "board", "category"]
    search_fields = ["title", "notes"]
    date_hierarchy = "taken_at"
    inlines = [RankingEntryInline]
    actions = ["publish", "unpublish", "start_edition"]
    # What a computed snapshot was built with is a record, not an editorial choice.
    readonly_fields = [
        "status",
        "published_at",
        "created_at",
        "method",
        "weights_shown",
        "parameters_shown",
        "based_on",
        "left_out",
    ]
    exclude = ["coverage", "weights", "parameters"]
    # The JSON fields are shown compactly, by the methods below.
    SHOWN = {"weights": "weights_shown", "parameters": "parameters_shown"}

    class Media:
        css = {"all": ["css/mltop-admin-fit.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_title_order()

    @admin.display(description=_("title"), ordering="title")
    def title_shown(self, snapshot):
        return snapshot.display_title

    # Which board a snapshot belongs to is chosen when it is made (builds, "start an edition").
    board_fields = ["board", "period", "category"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_published:
            return [*self.readonly_fields, *self.board_fields]
        if obj is not None and obj.is_published:
            # Published snapshots are frozen: every field is shown, none can be edited.
            names = [f.name for f in self.model._meta.fields if f.name not in ("id", "coverage")]
            return [self.SHOWN.get(name, name) for name in names] + ["left_out"]
        return self.readonly_fields

    @admin.display(description=_("weights"))
    def weights_shown(self, snapshot):
        return compact_json(snapshot.weights)

    @admin.display(description=_("scoring parameters"))
    def parameters_shown(self, snapshot):
        return compact_json(snapshot.parameters)

    @admin.display(description=_("not ranked"))
    def left_out(self, snapshot):
        """The projects a computed ranking considered but did not rank, by reason, linked (one query)."""
        coverage = snapshot.coverage or {}
        if not coverage:
            return "—"
        left_out = coverage.get("left_out", {})
        ids = {pid for item in left_out.values() for pid in item["ids"]}
        names = dict(Project.objects.filter(pk__in=ids).values_list("pk", "name"))
        rows = []
        for code, label, count in snapshot.left_out_counts:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:projects_project_change", args=[pid]), names[pid])
                    for pid in left_out[code]["ids"]
                    if pid in names
                ),
            )
            more = count - len(left_out[code]["ids"])
            tail = format_html(" {}", _("and %(count)s more") % {"count": more}) if more > 0 else ""
            rows.append(format_html("<li><strong>{} {}</strong>: {}{}</li>", count, label, links, tail))
        summary = _("%(ranked)s of %(considered)s projects considered are ranked.") % coverage
        return format_html("<p>{}</p><ul>{}</ul>", summary, mark_safe("".join(rows)))  # noqa: S308 - each row escaped

    def get_urls(self):
        # admin_view: staff only, CSRF-protected, never cached.
        build = self.admin_site.admin_view(require_POST(self.build_view))
        return [path("build/", build, name="rankings_rankingsnapshot_build"), *super().get_urls()]

    def build_view(self, request):
        """The changelist's "Build a computed ranking now": what the daily build does, as of today."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            snapshot = services.snapshot_build()
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            url = reverse("admin:rankings_rankingsnapshot_change", args=[snapshot.pk])
            message = (
                _('Built and published <a href="{}">{}</a>.')
                if snapshot.is_published
                else _('Built the draft <a href="{}">{}</a>; check it, then publish it.')
            )
            self.message_user(request, format_html(message, url, snapshot), messages.SUCCESS)
        return redirect("admin:rankings_rankingsnapshot_changelist")

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RankingEntry:
            return super().save_formset(request, form, formset, change)
        # Writes nothing: sorts the rows into deleted, changed and new (the change message reads them).
        formset.save(commit=False)
        if formset.deleted_objects or formset.changed_objects or formset.new_objects:
            _apply_entry_rows(form.instance, formset)

    def _apply(self, request, queryset, service, done_message):
        done = 0
        for snapshot in queryset:
            try:
                service(snapshot=snapshot)
            except ValidationError as exc:
                self.message_user(request, f"{snapshot}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Publish selected snapshots"))
    def publish(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.snapshot_publish,
            lambda n: ngettext("Published %d snapshot.", "Published %d snapshots.", n) % n,
        )

    @admin.action(description=_("Unpublish selected snapshots"))
    def unpublish(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.snapshot_unpublish,
            lambda n: ngettext("Unpublished %d snapshot.", "Unpublished %d snapshots.", n) % n,
        )

    @admin.action(description=_("Start an editorial edition from the selected snapshots"))
    def start_edition(self, request, queryset):
        for snapshot in queryset:
            edition = services.snapshot_start_edition(snapshot=snapshot)
            url = reverse("admin:rankings_rankingsnapshot_change", args=[edition.pk])
            self.message_user(
                request,
                format_html(_('Started the draft <a href="{}">{}</a>.'), url, edition),
                messages.SUCCESS,
            )
