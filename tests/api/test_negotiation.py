"""The negotiation shortcut gives DRF's own answers."""

import pytest
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from mltop.api.negotiation import JSONFirstNegotiation

ACCEPTS = [None, "*/*", "application/json", "application/json; indent=4", "text/html", "application/*", "*/*;q=0.1"]
RENDERER_LISTS = [
    [JSONRenderer()],
    [JSONRenderer(), BrowsableAPIRenderer()],
    [OpenApiYamlRenderer(), OpenApiJsonRenderer()],
]


def _select(negotiation, accept, query, renderers):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(f"/api/projects/{query}", **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except Exception as error:  # a 406: both must refuse alike
        return type(error).__name__
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("renderers", RENDERER_LISTS, ids=["json", "json+html", "schema"])
@pytest.mark.parametrize("query", ["", "?format=api", "?format=json", "?page=2"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_same_renderer_and_media_type_as_drf(accept, query, renderers):
    assert _select(JSONFirstNegotiation(), accept, query, renderers) == _select(
        DefaultContentNegotiation(), accept, query, renderers
    )


def test_the_api_uses_it(api_client, db):
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is JSONFirstNegotiation
    assert api_client.get("/api/authors/", HTTP_ACCEPT="application/xml").status_code == 406
