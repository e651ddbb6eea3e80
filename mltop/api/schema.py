"""drf-spectacular hooks: what every operation may answer besides its success, in the schema.

Views declare their success responses (and errors only they raise, such as a 404 without a
path parameter); the rest is the same across the API and is written here once: validators and
304s on reads, throttling on reads (only anonymous clients are throttled, and anonymous
writes are refused first), authentication and permission errors on writes, 404s where a path
names something, and a ``default`` Error body for anything else (405, 406, 415, 500).
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: `detail` is one readable sentence; `errors` maps fields to messages on a 400.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}
# What a cursor looks like (base64 of the order and the position of a page's last row).
EXAMPLE_CURSOR = "eyJvIjoibmFtZSxwayIsInAiOlsiUHN5Y2hsYWIiLDFdLCJiIjpmYWxzZX0"
ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

ETAG = {
    "description": "A hash of the body: send it back in If-None-Match to get a 304 while it is current.",
    "schema": {"type": "string"},
    "required": True,
}
LAST_MODIFIED = {
    "description": "When the data shown last changed, where the endpoint can date it (for If-Modified-Since).",
    "schema": {"type": "string"},
}
RETRY_AFTER = {
    "description": "Seconds until the client's window ends and requests are accepted again.",
    "schema": {"type": "integer", "minimum": 1},
    "required": True,
}
LOCATION = {
    "description": "The API URL of what was created.",
    "schema": {"type": "string", "format": "uri"},
    "required": True,
}


def _error(description: str) -> dict:
    return {"description": description, "content": ERROR_BODY}


def document_error_responses(result, generator, request, public):
    """Give each operation the responses the API's plumbing answers with, and say that reads
    need no credentials.

    Reads declare ``security: [{}]`` (no requirement) rather than drf-spectacular's "a token, or
    nothing": a token is only needed to write, and Swagger UI puts a lock on any operation whose
    requirements are not just ``{}``.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            if method == "get":
                _document_read(operation, responses)
                _paging_examples(path, responses["200"], schemas)
            else:
                _document_write(operation, responses)
            if "{" in path:
                responses.setdefault("404", _error("Nothing by that slug or id (or not published)."))
            for code, response in responses.items():  # errors a view declares get the Error body
                if code[0] in "45":
                    response.setdefault("content", ERROR_BODY)
            responses.setdefault("default", _error("Any other error (405, 406, 415, 500), with a readable message."))
            operation["responses"] = dict(sorted(responses.items(), key=lambda item: (item[0] == "default", item[0])))
    return result


def _document_read(operation, responses):
    if "security" in operation:
        operation["security"] = [{}]
    responses["200"].setdefault("headers", {}).update({"ETag": ETAG, "Last-Modified": LAST_MODIFIED})
    responses["304"] = {
        "description": "Not Modified: what the client holds (If-None-Match or If-Modified-Since) is current; no body.",
        "headers": {"ETag": ETAG, "Last-Modified": LAST_MODIFIED},
    }
    if any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
        responses.setdefault("400", _error("A query parameter the API cannot read; `errors` says which."))
    responses["429"] = {
        "description": "Too many requests from this anonymous client: wait Retry-After seconds.",
        "headers": {"Retry-After": RETRY_AFTER},
        "content": ERROR_BODY,
    }


def _document_write(operation, responses):
    responses.setdefault("400", _error("Invalid data, or a change that is not possible; the message says why."))
    responses["401"] = _error("No token, or one the API does not know (Authorization: Token …).")
    responses["403"] = _error("The token's user lacks the permission this change needs.")
    if "requestBody" in operation:
        responses["413"] = _error("The request body is larger than the API accepts.")
    if "201" in responses:
        responses["201"].setdefault("headers", {})["Location"] = LOCATION


def _paging_examples(path: str, response: dict, schemas: dict) -> None:
    """Links of a list's pages in its example, instead of DRF's http://api.example.org/accounts/."""
    content = response.get("content", {}).get("application/json", {})
    name = content.get("schema", {}).get("$ref", "").removeprefix("#/components/schemas/")
    if not name.startswith("Paginated") or name not in schemas:
        return
    if "count" in schemas[name]["properties"]:
        links = {"next": f"https://mltop.example{path}?page=4", "previous": f"https://mltop.example{path}?page=2"}
    else:  # keyset pages (mltop/api/pagination.py): an opaque cursor, no count
        links = {"next": f"https://mltop.example{path}?cursor={EXAMPLE_CURSOR}", "previous": None}
    for link, url in links.items():
        schemas[name]["properties"][link]["example"] = url
    for example in content.get("examples", {}).values():  # the serializer's examples, wrapped in a page
        if isinstance(example.get("value"), dict):
            example["value"].update((link, url) for link, url in links.items() if link in example["value"])
