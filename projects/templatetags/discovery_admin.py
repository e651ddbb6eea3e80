"""The discovery queue's size, for the admin index (templates/admin/index.html)."""

import datetime as dt

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from ..models import Project

register = template.Library()


@register.inclusion_tag("admin/partials/_candidates_waiting.html", takes_context=True)
def candidates_waiting(context):
    """Candidates awaiting triage and how many discovery found in the last 7 days: one query."""
    request = context.get("request")
    if request is None or not request.user.has_perm("projects.view_project"):
        return {"show": False}
    week_ago = timezone.now() - dt.timedelta(days=7)
    counts = Project.objects.candidates().aggregate(
        waiting=Count("pk"), new=Count("pk", filter=Q(discovered_at__gte=week_ago))
    )
    return {"show": True, **counts}
