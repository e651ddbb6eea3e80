"""The SVG module: pure functions, no database."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from rankings import charts

SVG = "{http://www.w3.org/2000/svg}"
DAY = dt.date(2026, 1, 1)


def parse(svg: str):
    return ET.fromstring(svg)  # noqa: S314 - markup we just generated


def series(n: int, start: int = 100, step: int = 10):
    return [(DAY + dt.timedelta(days=i), start + step * i) for i in range(n)]


def test_thin_keeps_first_and_last_and_respects_the_limit():
    points = series(1000)
    thinned = charts.thin(points, 60)
    assert len(thinned) == 60 and thinned[0] == points[0] and thinned[-1] == points[-1]
    assert charts.thin(points[:5], 60) == points[:5]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0, 10, [0, 5, 10]), (0, 7, [0, 2, 4, 6, 8]), (1003, 1297, [1000, 1100, 1200, 1300]), (5, 5, [5, 5.5, 6])],
)
def test_nice_ticks_cover_the_range_with_round_steps(low, high, expected):
    ticks = charts.nice_ticks(low, high, 5)
    assert ticks[0] <= low and ticks[-1] >= high
    assert ticks == pytest.approx(expected)


@pytest.mark.parametrize(("value", "text"), [(12, "12"), (12500, "12.5k"), (3_400_000, "3.4M"), (2000, "2k")])
def test_short_number(value, text):
    assert charts.short_number(value) == text


def test_sparkline_draws_a_titled_line_and_needs_two_points():
    svg = charts.sparkline(series(30), label="Stars of <X>")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Stars of <X>"
    points = root.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 30
    ys = [float(p.split(",")[1]) for p in points]
    assert ys == sorted(ys, reverse=True)  # rising stars go up the picture
    assert charts.sparkline(series(1), label="x") == ""


def test_line_chart_has_title_desc_axes_labels_and_ticks():
    svg = charts.line_chart(
        series(90, start=1000, step=5),
        chart_id="c",
        title="Stars & such",
        description="From A to B",
        y_label="Stars",
        x_label="Date",
    )
    root = parse(svg)
    assert root.get("aria-labelledby") == "c-t c-d"
    assert root.find(f"{SVG}title").text == "Stars & such" and root.find(f"{SVG}desc").text == "From A to B"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Stars" in texts and "Date" in texts
    assert "1k" in texts or "1.4k" in texts
    assert "2026-01-01" in texts and "2026-03-31" in texts
    assert len(root.findall(f"{SVG}line")) >= 2 + 3  # two axes and the grid
    assert len(root.findall(f"{SVG}circle")) <= 40


def test_rank_chart_puts_rank_one_on_top():
    points = [(DAY, 5), (DAY + dt.timedelta(days=30), 1), (DAY + dt.timedelta(days=60), 3)]
    svg = charts.line_chart(
        points, chart_id="r", title="t", description="d", y_label="Rank", x_label="Date", rank_axis=True
    )
    root = parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "#1" in texts and "#10" in texts
    ys = {c.get("cx"): float(c.get("cy")) for c in root.findall(f"{SVG}circle")}
    assert min(ys.values()) == list(ys.values())[1]  # the rank-1 point is highest


def test_charts_handle_empty_and_single_point_series():
    assert charts.line_chart([], chart_id="e", title="t", description="d", y_label="y", x_label="x") == ""
    single = charts.line_chart([(DAY, 7)], chart_id="s", title="t", description="d", y_label="y", x_label="x")
    assert len(parse(single).findall(f"{SVG}circle")) == 1


def test_badge_escapes_and_widens_for_chinese():
    english = parse(charts.badge("MLTop", "#3"))
    chinese = parse(charts.badge("MLTop", "已收录"))
    assert english.find(f"{SVG}title").text == "MLTop: #3"
    assert int(chinese.get("width")) > int(english.get("width"))
    assert "&lt;b&gt;" in charts.badge("MLTop", "<b>")
