"""Star figures are grouped in thousands in both languages (issue 13, item 20)."""

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize(("language", "expected"), [("en", "11,248"), ("zh-hans", "11,248")])
def test_intcomma_groups_thousands(language, expected):
    with translation.override(language):
        assert Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 11248})) == expected


@pytest.mark.django_db
def test_chinese_pages_group_star_figures(client, seeded):
    html = client.get(f"/rankings/{seeded.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="zh-hans">' in html
    stars = seeded.entries.order_by("-stars").values_list("stars", flat=True).first()
    assert stars >= 1000 and f"{stars:,}" in html
