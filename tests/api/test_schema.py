"""What the OpenAPI schema says beyond what spectacular --validate checks: defaults that obey
their own constraints, parameter bounds, every status and header the API answers with."""

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from mltop.api.schema import EXAMPLE_CURSOR


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _properties(node, where=""):
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{where}.{name}", prop
        for key, child in node.items():
            yield from _properties(child, f"{where}/{key}")
    elif isinstance(node, list):
        for child in node:
            yield from _properties(child, where)


def test_every_default_obeys_its_own_schema(schema):
    """openapi-spec-validator refused ProjectCreateRequest.name: default '' with minLength 1."""
    broken = []
    for where, prop in _properties(schema):
        if "default" in prop and "$ref" not in prop:
            rules = {k: v for k, v in prop.items() if k not in ("default", "nullable", "example", "description")}
            try:  # with the components beside it, for the $refs of enums
                jsonschema.validate(prop["default"], {**rules, "components": schema["components"]})
            except jsonschema.ValidationError as exc:
                broken.append(f"{where}: {exc.message}")
    assert broken == []


def test_page_and_page_size_start_at_one(schema):
    found = 0
    for _, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] in ("page", "page_size"):
                assert parameter["schema"] == {"type": "integer", "minimum": 1}, parameter
                found += 1
    assert found == 7  # rankings, authors, categories lists; projects: page_size (and a cursor)


NOT_FOUND_WITHOUT_PATH_PARAMETERS = {"/api/rankings/current/", "/api/rankings/compare/"}


def _headers(response):
    return {name: header.get("required", False) for name, header in response.get("headers", {}).items()}


def test_reads_document_validators_304_404_and_429(schema):
    for path, method, operation in operations(schema):
        if method != "get":
            continue
        responses = operation["responses"]
        assert _headers(responses["200"]) == {"ETag": True, "Last-Modified": False}, path
        assert _headers(responses["304"]) == {"ETag": True, "Last-Modified": False}, path
        assert "content" not in responses["304"]
        assert _headers(responses["429"]) == {"Retry-After": True}, path
        # Paths that name something, and the two that look up published snapshots without one.
        assert ("404" in responses) == ("{" in path or path in NOT_FOUND_WITHOUT_PATH_PARAMETERS), path
        assert "400" in responses or not any(p["in"] == "query" for p in operation.get("parameters", [])), path


def test_writes_document_401_403_and_what_a_body_can_cause(schema):
    writes = [(path, method, op) for path, method, op in operations(schema) if method != "get"]
    assert len(writes) == 4
    for path, _method, operation in writes:
        responses = operation["responses"]
        for code in ("400", "401", "403"):
            assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        assert ("413" in responses) == ("requestBody" in operation), path
        assert ("404" in responses) == ("{" in path), path
    created = schema["paths"]["/api/projects/"]["post"]["responses"]["201"]
    assert _headers(created) == {"Location": True}


def test_errors_keep_a_default_for_the_rest(schema):
    for _, _, operation in operations(schema):
        assert operation["responses"]["default"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


def test_descriptions_are_written_for_clients(schema):
    for path, _, operation in operations(schema):
        description = operation.get("description", "")
        assert "viewset" not in description.lower() and "Validators and freshness" not in description, path


def test_pagination_examples_are_this_api_s_own_urls(schema):
    pages = {name: c for name, c in schema["components"]["schemas"].items() if name.startswith("Paginated")}
    assert len(pages) == 4
    cursors = {name for name, c in pages.items() if "count" not in c["properties"]}
    assert cursors == {"PaginatedProjectListList"}  # the catalogue pages by cursor (test_keyset.py)
    for name, component in pages.items():
        for link in ("next", "previous"):
            example = component["properties"][link]["example"]
            if name in cursors and link == "previous":
                assert example is None
                continue
            move = "?cursor=" if name in cursors else "?page="
            assert example.startswith("https://mltop.example/api/") and move in example, example
    for path, _method, operation in operations(schema):
        ok = operation["responses"].get("200", {})
        for example in ok.get("content", {}).get("application/json", {}).get("examples", {}).values():
            if "next" in example["value"]:
                assert example["value"]["next"] in (
                    f"https://mltop.example{path}?page=4",
                    f"https://mltop.example{path}?cursor={EXAMPLE_CURSOR}",
                ), path


def test_the_catalogue_takes_a_cursor_not_a_page(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/projects/"]["get"]["parameters"]}
    assert "page" not in parameters and parameters["cursor"]["schema"] == {"type": "string"}
    listed = schema["components"]["schemas"]["PaginatedProjectListList"]["properties"]
    assert set(listed) == {"next", "previous", "results"}
