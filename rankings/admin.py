from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mltop.adminwidgets import SafeAutocompleteMixin
from projects.models import Project

from . import services
from .models import RankingEntry, RankingSnapshot


class RankingEntryForm(forms.ModelForm):
    class Meta:
        model = RankingEntry
        fields = ["rank", "project", "stars", "blurb"]

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
    fields = ["rank", "project", "score", "stars", "stars_gained_30d", "previous_rank", "flags_list", "blurb"]
    readonly_fields = ["score", "stars_gained_30d", "previous_rank", "flags_list"]
    extra = 0

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


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "period", "category", "taken_at", "origin", "status", "method", "published_at"]
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
        "weights",
        "parameters",
        "based_on",
        "left_out",
    ]
    exclude = ["coverage"]

    # Which board a snapshot belongs to is chosen when it is made (builds, "start an edition").
    board_fields = ["board", "period", "category"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_published:
            return [*self.readonly_fields, *self.board_fields]
        if obj is not None and obj.is_published:
            # Published snapshots are frozen: every field is shown, none can be edited.
            return [f.name for f in self.model._meta.fields if f.name not in ("id", "coverage")] + ["left_out"]
        return self.readonly_fields

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

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RankingEntry:
            return super().save_formset(request, form, formset, change)
        snapshot = form.instance
        instances = formset.save(commit=False)
        for entry in formset.deleted_objects:
            entry.delete()
        # Existing entries change rank together, so two can swap places in one save.
        moved = {entry.pk: entry.rank for entry, changed in formset.changed_objects if "rank" in changed}
        if moved:
            services.snapshot_set_ranks(snapshot=snapshot, ranks=moved)
        for entry in instances:
            entry.snapshot = snapshot
            entry.save()
        formset.save_m2m()

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
                format_html(_('Started the draft <a href="{}">{}</a>.'), url, edition.title),
                messages.SUCCESS,
            )
