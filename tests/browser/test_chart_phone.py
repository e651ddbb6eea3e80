"""The rank-history chart on a phone keeps its title and legible axis text (issue 13, item 21)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The smallest rendered size of the chart's tick labels, in CSS pixels.
SMALLEST_TEXT = """(selector) => {
  const svg = document.querySelector(selector);
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text.tick')]
    .filter((t) => getComputedStyle(t).display !== 'none')
    .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  return Math.min(...sizes);
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_rank_chart_keeps_its_title_and_legible_axis_text(open_page, live_server, reader_world, artifacts, width):
    page = open_page(width, 812)
    page.goto(live_server.url + "/projects/detectron/")
    chart = page.locator("#ranks-h ~ figure svg.chart")
    chart.scroll_into_view_if_needed()
    title = page.locator("#ranks-h ~ figure .chart-title")
    assert title.is_visible() and "Detectron" in title.inner_text()
    box = title.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate(SMALLEST_TEXT, "#ranks-h ~ figure svg.chart") >= 11
    chart.screenshot(path=str(artifacts / f"rank-chart-{width}.png"))
