"""Errors of the REST API: always JSON, always with a ``detail`` message a person can read."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """DRF's handler, plus Django validation errors from services turned into 400s.

    Field errors stay under ``errors`` and ``detail`` always holds one sentence, so a
    client can show ``detail`` without knowing which kind of error it got.
    """
    if isinstance(exc, DjangoValidationError):
        exc = request_errors(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(response.data)
        field, messages = next(iter(errors.items()), ("non_field_errors", ["Invalid request."]))
        detail = messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}"
        response.data = {"detail": detail, "errors": errors}
    return response


def request_errors(exc: DjangoValidationError, fields: dict[str, str] | None = None) -> exceptions.ValidationError:
    """A service's (or model's) ValidationError as DRF's, keyed as the client's request was.

    ``fields`` maps the model's or service's names to the request's (``repo_url`` -> ``url``);
    Django's key for whole-object errors (``__all__``) becomes DRF's ``non_field_errors``, so
    a client finds them under one key whichever layer raised them.
    """
    if not hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.messages)
    names = {NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY, **(fields or {})}
    errors: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        errors.setdefault(names.get(field, field), []).extend(messages)
    return exceptions.ValidationError(errors)


def _field_errors(errors) -> dict[str, list[str]]:
    """DRF's errors (a list, or a dict nested as deep as the data) as field -> flat list of messages."""
    if not isinstance(errors, dict):
        errors = {"non_field_errors": errors}
    return {str(field): _messages(value) for field, value in errors.items()}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, item in value.items() for message in _messages(item)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


@csrf_exempt  # it changes nothing, and a CSRF failure would answer a POST here in HTML
def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer in JSON like the rest of the API, not with the HTML 404 page."""
    return JsonResponse({"detail": f"No API endpoint at {request.path}."}, status=status.HTTP_404_NOT_FOUND)
