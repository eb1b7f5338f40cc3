"""The API's JSON parser (issue 11 §4): a request body of at most ``DATA_UPLOAD_MAX_MEMORY_SIZE``
bytes, nested at most ``API_JSON_MAX_DEPTH`` levels, with no NUL character in any key or string;
anything else answers 400 with the reason and a code (``body_too_large``, ``json_too_deep``,
``nul_character``, ``parse_error``), never 500 (a RecursionError, a text column PostgreSQL
refuses)."""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

NUL = "\x00"


def nul_message():
    return _("Text may not contain a NUL character.")


def _check_json(data, max_depth):
    """Walk a parsed JSON document without recursion: ParseError when it nests deeper than
    max_depth or holds a NUL character in a key or a string."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                raise exceptions.ParseError(nul_message(), code="nul_character")
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise exceptions.ParseError(
                    _("The JSON body is nested deeper than %(depth)d levels.") % {"depth": max_depth},
                    code="json_too_deep",
                )
            if isinstance(value, dict):
                for key, item in value.items():
                    if NUL in key:
                        raise exceptions.ParseError(nul_message(), code="nul_character")
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the limits a public endpoint needs (see the module docstring)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise exceptions.ParseError(
                _("The request body is larger than %(limit)d bytes.") % {"limit": limit}, code="body_too_large"
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(codecs.decode(raw, encoding), strict=self.strict)
        except RecursionError:
            raise exceptions.ParseError(
                _("The JSON body is nested deeper than %(depth)d levels.") % {"depth": settings.API_JSON_MAX_DEPTH},
                code="json_too_deep",
            ) from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        _check_json(data, settings.API_JSON_MAX_DEPTH)
        return data
