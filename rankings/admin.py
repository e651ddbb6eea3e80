from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import RankingEntry, RankingSnapshot, StatsSample


class RankingEntryInline(admin.TabularInline):
    model = RankingEntry
    autocomplete_fields = ["project"]
    ordering = ["rank"]
    fields = ["rank", "project", "score", "stars", "previous_rank", "blurb"]
    readonly_fields = ["score", "previous_rank"]
    extra = 0

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
    list_display = ["title", "taken_at", "origin", "status", "published_at"]
    list_filter = ["status", "origin"]
    search_fields = ["title", "notes"]
    date_hierarchy = "taken_at"
    inlines = [RankingEntryInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["status", "published_at", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            # Published snapshots are frozen: every field is shown, none can be edited.
            return [f.name for f in self.model._meta.fields if f.name != "id"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

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


@admin.register(StatsSample)
class StatsSampleAdmin(admin.ModelAdmin):
    list_display = ["project", "captured_on", "stars", "forks", "watchers", "open_issues", "source"]
    list_filter = ["source"]
    search_fields = ["project__name", "project__repo_owner", "project__repo_name"]
    list_select_related = ["project"]
    date_hierarchy = "captured_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
