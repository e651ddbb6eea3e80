from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError

from mltop import problems
from projects.admin import ProjectAdmin
from projects.models import Project

from .models import StatsSample
from .services import refresh_enqueue

# The catalogue's admin knows nothing of refreshes (projects stands left of stats); the
# figures app extends it with what it adds, so the dependency runs one way.
admin.site.unregister(Project)


@admin.register(Project)
class ProjectWithFiguresAdmin(ProjectAdmin):
    actions = [*ProjectAdmin.actions, "refresh_now"]

    def changelist_view(self, request, extra_context=None):
        rejected = problems.get(problems.GITHUB_TOKEN)
        if rejected:
            # Every refresh fails until an operator fixes the token; say so where editors look.
            self.message_user(
                request,
                _("Figures are not being refreshed: %(error)s. Set a valid GITHUB_TOKEN.")
                % {"error": rejected["message"]},
                messages.ERROR,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Refresh GitHub figures now"))
    def refresh_now(self, request, queryset):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        try:
            # The projects are committed already: send now, so a broker failure is reported here.
            refresh_enqueue(project_ids=ids, on_commit=False)
        except OperationalError as exc:
            self.message_user(
                request,
                _("The task queue cannot be reached (%(error)s); nothing was queued. Is the broker running?")
                % {"error": exc},
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            ngettext(
                "Queued a refresh of %(count)d project; its figures update when the worker has fetched them.",
                "Queued a refresh of %(count)d projects; their figures update when the worker has fetched them.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
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
