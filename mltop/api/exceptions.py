"""Errors of the REST API: always JSON, always with a ``detail`` message a person can read."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """DRF's handler, plus Django validation errors from services turned into 400s.

    Field errors stay under ``errors`` and ``detail`` always holds one sentence, so a
    client can show ``detail`` without knowing which kind of error it got.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        response.data = {"detail": _first_message(errors), "errors": errors}
    return response


def _first_message(errors) -> str:
    """The first message in DRF's nested error structure, prefixed with its field's name."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors) or "Invalid request."


def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer in JSON like the rest of the API, not with the HTML 404 page."""
    return JsonResponse({"detail": f"No API endpoint at {request.path}."}, status=status.HTTP_404_NOT_FOUND)
