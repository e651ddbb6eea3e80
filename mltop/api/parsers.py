"""The API's JSON parser, with the size limit Django applies to form posts.

DRF reads the request stream itself, so DATA_UPLOAD_MAX_MEMORY_SIZE (which Django checks
only when request.body or request.POST is read) would not protect the API.
"""

import io

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class SizeLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None:
            return super().parse(stream, media_type, parser_context)
        request = (parser_context or {}).get("request")
        declared = str(request.META.get("CONTENT_LENGTH") or "") if request is not None else ""
        # Refuse on the declared length first; otherwise read at most one byte past the limit,
        # so a client that omits or understates the length cannot make us hold more.
        too_large = declared.isdigit() and int(declared) > limit
        if not too_large:
            body = stream.read(limit + 1)
            too_large = len(body) > limit
        if too_large:
            raise RequestTooLarge(f"The request body is larger than the API accepts ({limit // 1024} KB at most).")
        return super().parse(io.BytesIO(body), media_type, parser_context)
