"""Template tags that draw charts at render time, in the reader's language."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
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
    title = _("Stars of %(name)s over time") % {"name": name}
    svg = charts.line_chart(
        points,
        chart_id="star-chart",
        title=title,
        description=_("From %(start)s (%(first)s stars) to %(end)s (%(last)s stars).")
        % {
            "start": first[0].isoformat(),
            "first": number_format(first[1], force_grouping=True),
            "end": last[0].isoformat(),
            "last": number_format(last[1], force_grouping=True),
        },
        y_label=_("Stars"),
        x_label=_("Date"),
        faded_until=backfilled_until,
    )
    return _titled(title, svg)


def _titled(title, svg):
    """The chart with its title above it in HTML: it wraps on a phone (the SVG's own <title>
    names the image for screen readers, so this copy is hidden from them)."""
    return format_html('<p class="chart-title" aria-hidden="true">{}</p>{}', title, svg)


@register.simple_tag
def rank_chart(entries, name):
    points = [(entry.snapshot.taken_at.date(), entry.rank) for entry in entries]
    if not points:
        return ""
    # An entry with no previous rank, after the project's first, followed a published ranking
    # the project was not in (publishing records the previous rank): the line breaks there.
    breaks = [entry.snapshot.taken_at.date() for entry in entries[1:] if entry.previous_rank is None]
    title = _("Rank of %(name)s in published rankings") % {"name": name}
    svg = charts.line_chart(
        points,
        chart_id="rank-chart",
        title=title,
        description=_("%(count)s rankings; best rank #%(best)s.")
        % {"count": len(points), "best": min(rank for _day, rank in points)},
        y_label=_("Rank"),
        x_label=_("Ranking date"),
        rank_axis=True,
        breaks_before=breaks,
    )
    return _titled(title, svg)


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


# Scoring methods by a name readers understand; editorial lists name none (scoring.METHOD).
METHOD_LABELS = {
    "mltop-score/1": gettext_lazy("MLTop score, version 1"),
}


@register.filter
def method_label(method):
    """A computed ranking's scoring method, readable and translated (the raw name if unknown)."""
    return METHOD_LABELS.get(method, method)


@register.filter
def any_breakdown(entries) -> bool:
    """Whether any entry has a score breakdown (an editorial list has none: said once per page)."""
    return any(entry.breakdown for entry in entries)


@register.filter
def license_label(license):
    """GitHub's licence name; NOASSERTION (a licence GitHub does not recognise) as "Other"."""
    if license == "NOASSERTION":
        return _("Other")
    return license or ""


@register.filter
def breakdown_rows(breakdown):
    """(label, value, weight, contribution) rows of a score breakdown, in its own order."""
    rows = []
    for name, part in (breakdown or {}).items():
        if not isinstance(part, dict):
            continue
        rows.append((COMPONENT_LABELS.get(name, name), part.get("value"), part.get("weight"), part.get("contribution")))
    return rows
