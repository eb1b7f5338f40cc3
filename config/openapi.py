"""The API's schema class (issue 11 §4): the OpenAPI document says what the API really answers.

* The error answers are documented on every operation: 400 (invalid input), 403 (not logged in or
  not allowed), 404 (no such record or page) and, on writes, 409 (not in this state) and 415 (a body
  of another media type), all with the one ``Error`` body ``{"code", "detail", "fields"}``.
* A read-only field declared ``required=False`` may be missing from an answer: not required.
* Only ``list`` actions are documented as paginated; other actions answer a plain list.
* An upload is a binary file in requests (``COMPONENT_SPLIT_REQUEST``), without the file-name pattern.
* A read-only field read through a nullable relation (the ``operator`` of a bill run nobody started
  yet) is documented as nullable.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import serializers

ERROR_SCHEMAS = {
    # The one error contract (core/api.py): every refusal, whatever its status.
    "Error": {
        "type": "object",
        "description": (
            "Why the request was refused: a stable code a client can branch on (invalid, forbidden, "
            "not_found, conflict, wrong_state, …), a message, and messages per input field (400)."
        ),
        "properties": {
            "code": {"type": "string"},
            "detail": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {}},
        },
        "required": ["code", "detail", "fields"],
    },
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
NESTED_FIELDS = (serializers.Serializer, serializers.ListSerializer, serializers.ManyRelatedField)


def _through_nullable_relation(field):
    """True when a read-only field's source passes through a nullable model field."""
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    if model is None or field.source == "*":
        return False
    for attr in field.source.split("."):
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False
        if model_field.null:
            return True
        model = model_field.related_model
        if model is None:
            return False
    return False


class AutoSchema(openapi.AutoSchema):
    def _error_ref(self, name):
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMAS[name], object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def _error_response(self, name, description):
        return {"description": description, "content": {"application/json": {"schema": self._error_ref(name)}}}

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {
            "400": self._error_response("Error", "Invalid input"),
            "403": self._error_response("Error", "Not logged in, or not allowed"),
            "404": self._error_response("Error", "No such record (or page)"),
        }
        if self.method in WRITE_METHODS:
            errors["409"] = self._error_response("Error", "Not possible in the record's current state")
            errors["415"] = self._error_response("Error", "A body of a media type the operation does not take")
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # A read-only field declared required=False is left out when the record has no value for it
        # (an annotation the queryset of that answer lacks): the document must not call it required.
        optional = {
            name
            for name, field in force_instance(serializer).fields.items()
            if field.read_only and field._kwargs.get("required") is False
        }
        for prop in schema.get("properties", {}).values():
            if prop.get("format") == "binary":
                # An upload's extension check (FileExtensionValidator) is about its name, not its bytes.
                prop.pop("pattern", None)
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _get_paginator(self):
        # Only the list action paginates; other actions answer a plain list.
        if getattr(self.view, "action", "list") not in ("list", None):
            return None
        return super()._get_paginator()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            schema is not None
            and field.read_only
            and not field.allow_null
            and not isinstance(field, NESTED_FIELDS)
            and _through_nullable_relation(field)
        ):
            if "$ref" in schema:
                schema = {"allOf": [schema], "nullable": True}
            else:
                schema = {**schema, "nullable": True}
        return schema
