"""Template tags that draw charts at render time, in the reader's language."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rankings import charts

register = template.Library()

TABLE_POINTS = 60


@register.simple_tag
def sparkline(points, name):
    return charts.sparkline(points, label=_("Star history of %(name)s") % {"name": name})


@register.simple_tag
def star_chart(points, name, backfilled_until=None):
    points = charts.thin(points, 400)
    if not points:
        return ""
    first, last = points[0], points[-1]
    return charts.line_chart(
        points,
        chart_id="star-chart",
        title=_("Stars of %(name)s over time") % {"name": name},
        description=_("From %(start)s (%(first)s stars) to %(end)s (%(last)s stars).")
        % {"start": first[0].isoformat(), "first": first[1], "end": last[0].isoformat(), "last": last[1]},
        y_label=_("Stars"),
        x_label=_("Date"),
        faded_until=backfilled_until,
    )


@register.simple_tag
def rank_chart(entries, name):
    points = [(entry.snapshot.taken_at.date(), entry.rank) for entry in entries]
    if not points:
        return ""
    return charts.line_chart(
        points,
        chart_id="rank-chart",
        title=_("Rank of %(name)s in published rankings") % {"name": name},
        description=_("%(count)s rankings; best rank #%(best)s.")
        % {"count": len(points), "best": min(rank for _day, rank in points)},
        y_label=_("Rank"),
        x_label=_("Ranking date"),
        rank_axis=True,
    )


@register.filter
def table_points(points):
    """The points a text table shows: at most TABLE_POINTS, newest last."""
    return charts.thin(points, TABLE_POINTS)


COMPONENT_LABELS = {
    "popularity": gettext_lazy("Popularity"),
    "momentum": gettext_lazy("Momentum"),
    "engagement": gettext_lazy("Engagement"),
    "recency": gettext_lazy("Recency"),
    "month_stars": gettext_lazy("Stars this month"),
    "forks": gettext_lazy("Forks"),
}


@register.filter
def breakdown_rows(breakdown):
    """(label, value, weight, contribution) rows of a score breakdown, in its own order."""
    rows = []
    for name, part in (breakdown or {}).items():
        if not isinstance(part, dict):
            continue
        rows.append((COMPONENT_LABELS.get(name, name), part.get("value"), part.get("weight"), part.get("contribution")))
    return rows
