"""drf-spectacular hooks: the error body every operation may answer with, in the schema."""

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


def document_error_responses(result, generator, request, public):
    """Give each operation a ``default`` response with the Error body (400, 401, 403, 404, 405, 406, 415, 429),
    and say that reads need no credentials.

    Reads declare ``security: [{}]`` (no requirement) rather than drf-spectacular's "a token, or
    nothing": a token is only needed to write, and Swagger UI puts a lock on any operation whose
    requirements are not just ``{}``.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in ("get", "head") and "security" in operation:
                operation["security"] = [{}]
            operation.setdefault("responses", {}).setdefault(
                "default",
                {
                    "description": "An error, with a readable message.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            )
    return result
