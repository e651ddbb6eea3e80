"""English and Simplified Chinese: a complete catalog, compiled, chosen from the browser's languages."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture(scope="module")
def catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="zh_Hans")


def test_every_message_has_a_chinese_translation(catalog):
    messages = [m for m in catalog if m.id]
    assert len(messages) > 200
    untranslated = [m.id for m in messages if not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert catalog.plural_forms == "nplurals=1; plural=0;"


def test_every_template_string_is_in_the_catalog(catalog):
    """A string added to a template without a translation fails here, not in front of readers."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    pattern = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")
    found = {
        match.group(2) for path in TEMPLATES.rglob("*.html") for match in pattern.finditer(path.read_text("utf-8"))
    }
    assert len(found) > 80
    assert sorted(found - ids) == []


def test_the_compiled_catalog_matches_the_po_file(catalog):
    """make run / make test compile the .po with Babel; a stale or missing .mo fails here."""
    compiled = PO_FILE.with_suffix(".mo")
    assert compiled.exists(), "no compiled catalog: run `make messages` (make test does)"
    assert compiled.stat().st_mtime >= PO_FILE.stat().st_mtime, "stale compiled catalog: run `make messages`"
    with translation.override("zh-hans"):
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                assert translation.ngettext(message.id[0], message.id[1], 1) == message.string[0]
            else:
                assert translation.gettext(message.id) == message.string, message.id


@pytest.mark.django_db
def test_a_browser_preferring_chinese_gets_chinese_without_clicking(client, seeded):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "机器学习开源项目十强" in html and "历史排行" in html and "排名方法" in html
    assert "How we rank" not in html
    # Names and descriptions stay as editors wrote them.
    assert ">Detectron</a>" in html and "Facebook AI Research&#x27;s platform" in html


@pytest.mark.django_db
def test_english_is_the_default(client, seeded):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR").content.decode()
    assert '<html lang="en">' in html and "How we rank" in html


@pytest.mark.django_db
def test_the_language_switcher_sets_the_language(client, seeded):
    html = client.get("/projects/detectron/").content.decode()
    assert 'action="/i18n/setlang/"' in html and 'value="zh-hans"' in html
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/projects/detectron/"})
    assert response.status_code == 302 and response["Location"] == "/projects/detectron/"
    chinese = client.get("/projects/detectron/").content.decode()
    assert '<html lang="zh-hans">' in chinese and "星标历史" in chinese


@pytest.mark.django_db
def test_error_pages_are_translated(client):
    html = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "页面不存在" in html
    bad = client.get("/rankings/?page=x", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert bad.status_code == 400 and "参数“page”必须是正整数。" in bad.content.decode()
