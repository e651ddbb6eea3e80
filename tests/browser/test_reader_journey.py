"""A reader's journey in a real browser: ranking, project history, languages, archive, compare."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_reader_follows_the_ranking_to_a_project_chart(open_page, live_server, reader_world, artifacts):
    seed, current, projects = reader_world
    page = open_page(1280)
    page.goto(live_server.url + "/")
    rows = page.locator("ol.ranking > li.entry")
    assert rows.count() == 10
    ranks = [int(text) for text in page.locator("li.entry .rank").all_inner_texts() for text in [text.split()[-1]]]
    assert ranks == list(range(1, 11))
    assert page.locator("li.entry .project-name").first.inner_text() == "FaceSwap"
    assert page.locator(".move-new").count() == 2  # the two newcomers
    assert page.locator("svg.sparkline").count() == 10
    page.screenshot(path=str(artifacts / "home-desktop.png"), full_page=True)

    page.locator("li.entry .project-name").first.click()
    page.wait_for_url("**/projects/faceswap/")
    assert page.locator("h1").inner_text().startswith("FaceSwap")
    chart = page.locator("svg.chart").first
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    assert page.locator("svg.chart polyline.series").count() == 2  # stars and ranks
    page.screenshot(path=str(artifacts / "project-desktop.png"), full_page=True)


def test_pages_fit_a_phone_screen(open_page, live_server, reader_world, artifacts):
    page = open_page(375, 812)
    for path, name in [("/", "home-phone.png"), ("/projects/detectron/", "project-phone.png")]:
        page.goto(live_server.url + path)
        assert no_horizontal_scroll(page), path
        page.screenshot(path=str(artifacts / name), full_page=True)
    page.goto(live_server.url + "/rankings/compare/")
    assert no_horizontal_scroll(page)


def test_reader_switches_to_chinese_and_walks_the_archive_and_a_comparison(
    open_page, live_server, reader_world, artifacts
):
    seed, current, projects = reader_world
    page = open_page(1280)
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("link", name="历史排行").is_visible()
    assert "近 30 天" in page.locator("ol.ranking").inner_text()
    assert page.locator("li.entry .project-name").first.inner_text() == "FaceSwap"  # names stay as written

    page.get_by_role("link", name="历史排行").click()
    page.wait_for_url("**/rankings/")
    assert page.locator("h1").inner_text() == "历史排行"
    cards = page.locator("li.archive-item")
    assert cards.count() == 2
    cards.nth(0).get_by_role("link", name=current.title).click()
    page.wait_for_url(f"**/rankings/{current.pk}/")
    breakdown = page.locator("details.breakdown").first
    breakdown.locator("summary").click()
    assert breakdown.locator("table").is_visible() and "人气" in breakdown.inner_text()
    page.screenshot(path=str(artifacts / "snapshot-desktop-zh.png"), full_page=True)

    page.get_by_role("link", name="与上一期排行对比").click()
    page.wait_for_url("**/rankings/compare/**")
    assert page.locator("#entered-h").inner_text() == "新进入"
    entered = page.locator("section[aria-labelledby=entered-h] li").all_inner_texts()
    assert any("TinyGrad-lite" in text for text in entered) and len(entered) == 2
    left = page.locator("section[aria-labelledby=left-h] li").all_inner_texts()
    assert len(left) == 2
    page.screenshot(path=str(artifacts / "compare-desktop-zh.png"), full_page=True)


def test_a_browser_preferring_chinese_gets_it_and_the_menu_works_from_the_keyboard(
    open_page, live_server, reader_world, artifacts
):
    seed, current, projects = reader_world
    page = open_page(375, 812, locale="zh-CN")
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "home-phone-zh.png"), full_page=True)
    assert page.locator("h1").inner_text() == current.title
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.select_option("#snapshot-menu-select", str(seed.pk))
    page.locator("#snapshot-menu-select").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the "Show" button: no JavaScript needed
    page.wait_for_url(f"**/rankings/{seed.pk}/")
    assert page.locator("li.entry").count() == 10
    # Said once, above the list, not under each of the ten entries.
    assert page.locator("main").inner_text().count("无得分") == 1
