"""Server-side SVG: star sparklines, history charts and README badges.

Pure functions over plain values (dates, numbers, already-translated strings): no
database, no request. Every text that reaches the markup is escaped here, so callers
may insert the result into a page as it is.
"""

import datetime as dt
import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Point = tuple[dt.date, float]


def thin(points: Sequence[Point], limit: int) -> list[Point]:
    """At most ``limit`` points spread evenly over ``points``, always keeping the first and last."""
    points = list(points)
    if len(points) <= limit or limit < 2:
        return points
    step = (len(points) - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis values (1, 2 or 5 times a power of ten) covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def short_number(value: float) -> str:
    """12 -> "12", 12500 -> "12.5k", 3400000 -> "3.4M": axis labels that stay narrow."""
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:g}"


def _x_scale(dates: Sequence[dt.date], left: float, right: float):
    first, last = min(dates), max(dates)
    span = (last - first).days or 1

    def x(day: dt.date) -> float:
        if first == last:
            return (left + right) / 2
        return left + (day - first).days / span * (right - left)

    return x


def sparkline(points: Sequence[Point], *, label: str, width: int = 120, height: int = 32) -> SafeString:
    """A tiny line of star counts over time; empty when there are fewer than two points."""
    points = sorted(points)
    if len(points) < 2:
        return mark_safe("")  # noqa: S308 - constant empty string
    pad = 2
    x = _x_scale([d for d, _ in points], pad, width - pad)
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    spread = (high - low) or 1

    def y(value: float) -> float:
        return height - pad - (value - low) / spread * (height - 2 * pad)

    path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    last_x, last_y = x(points[-1][0]), y(points[-1][1])
    return mark_safe(  # noqa: S308 - label escaped, the rest is numbers
        f'<svg class="sparkline" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{path}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2" fill="currentColor"/></svg>'
    )


def _date_label(day: dt.date, span_days: int) -> str:
    return day.isoformat() if span_days < 120 else day.strftime("%Y-%m")


def _date_ticks(first: dt.date, last: dt.date, x, left: float, right: float):
    """Up to five dates evenly spaced in time; the end labels anchored inwards so none is clipped.

    Every other label is "minor", so a narrow screen can hide it and keep three.
    """
    span = (last - first).days
    if span == 0:
        return [(first, (left + right) / 2, "middle", "tick")]
    slots = min(4, span)
    ticks = []
    for i in range(slots + 1):
        day = first + dt.timedelta(days=round(span * i / slots))
        anchor = "start" if i == 0 else "end" if i == slots else "middle"
        ticks.append((day, x(day), anchor, "tick minor" if i % 2 else "tick"))
    return ticks


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    description: str,
    y_label: str,
    x_label: str,
    chart_id: str,
    rank_axis: bool = False,
    faded_until: dt.date | None = None,
    breaks_before: Sequence[dt.date] = (),
    width: int = 640,
    height: int = 280,
) -> SafeString:
    """A labelled line chart of values over dates, with axes, ticks and a <title>/<desc>.

    ``faded_until``: the line up to that day is drawn lighter (``series faded``), for
    figures of another kind than the rest (GitHub's star history before our own).

    ``rank_axis`` draws ranks: 1 at the top, whole numbers only, the axis from 1 to at
    least 10 so a project's place in the top-10 reads at a glance.

    ``breaks_before``: days whose point does not join the one before (the project was absent
    from the rankings in between): the line stops there and starts again.

    The title is the SVG's accessible name; pages show it as HTML above the chart (it wraps
    on a phone, where text inside the picture would be cut off).
    """
    points = sorted(points)
    if not points:
        return mark_safe("")  # noqa: S308 - constant empty string
    # Room on the left for tick labels drawn large on a phone ("12.5k" at 24 units).
    left, right, top, bottom = 76, width - 20, 28, height - 48
    dates = [d for d, _ in points]
    values = [v for _, v in points]
    span_days = (max(dates) - min(dates)).days
    x = _x_scale(dates, left, right)

    if rank_axis:
        low, high = 1, max(10, max(values))
        ticks = sorted({1, *[t for t in nice_ticks(0, high, 5) if t >= 1], high})
    else:
        ticks = nice_ticks(min(values), max(values), 5)
        low, high = ticks[0], ticks[-1]
    spread = (high - low) or 1

    def y(value: float) -> float:
        fraction = (value - low) / spread
        if rank_axis:
            return top + fraction * (bottom - top)
        return bottom - fraction * (bottom - top)

    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/>',
        f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>',
    ]
    for tick in ticks:
        ty = y(tick)
        label = f"#{int(tick)}" if rank_axis else short_number(tick)
        parts.append(f'<line class="grid" x1="{left}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{label}</text>')
    for day, tx, anchor, css in _date_ticks(min(dates), max(dates), x, left, right):
        parts.append(
            f'<text class="{css}" x="{tx:.1f}" y="{bottom + 18}" text-anchor="{anchor}">'
            f"{_date_label(day, span_days)}</text>"
        )
    parts.append(
        f'<text class="axis-label" x="{(left + right) / 2:.1f}" y="{height - 6}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text class="axis-label y-label" transform="rotate(-90)" x="{-(top + bottom) / 2:.1f}" y="14" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    faded = [(d, v) for d, v in points if faded_until is not None and d <= faded_until]
    solid = points[max(len(faded) - 1, 0) :] if faded else points  # the two lines meet
    if len(faded) > 1:
        coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in faded)
        parts.append(f'<polyline class="series faded" fill="none" opacity="0.4" points="{coords}"/>')
    breaks = set(breaks_before)
    segments: list[list[Point]] = [[]]
    for d, v in solid:
        if d in breaks and segments[-1]:
            segments.append([])
        segments[-1].append((d, v))
    for segment in segments:
        if len(segment) > 1:
            coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in segment)
            parts.append(f'<polyline class="series" fill="none" points="{coords}"/>')
    # Dots mark each measurement while they stay apart; on a dense series only the latest one,
    # and any point a line does not reach.
    dotted = set(points if len(points) <= 24 else points[-1:])
    dotted |= {segment[0] for segment in segments if len(segment) == 1}
    for d, v in sorted(dotted):
        parts.append(f'<circle class="dot" cx="{x(d):.1f}" cy="{y(v):.1f}" r="3.5"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped or a number


def _text_width(text: str) -> int:
    """Approximate width in pixels at 11px sans-serif: wide glyphs (CJK) count double."""
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in text) + 10


def badge(label: str, value: str, *, color: str = "#0a58ca") -> SafeString:
    """A shields-style two-part badge: grey label, coloured value."""
    left_w, right_w = _text_width(label), _text_width(value)
    total = left_w + right_w
    label, value = escape(label), escape(value)
    return mark_safe(  # noqa: S308 - texts escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{label}: {value}"><title>{label}: {value}</title>'
        f'<rect width="{left_w}" height="20" fill="#555"/>'
        f'<rect x="{left_w}" width="{right_w}" height="20" fill="{escape(color)}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left_w / 2:.1f}" y="14">{label}</text>'
        f'<text x="{left_w + right_w / 2:.1f}" y="14">{value}</text></g></svg>'
    )
