"""Pieces of the OpenAPI document that the domains' own API blueprints describe themselves with
(the consultations' and the notifications' paths); caseapp.api.openapi assembles the document."""
from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}


def operation(tag: str, summary: str, responses: dict, *, body: dict | None = None,
              params: list | None = None) -> dict:
    """One bearer-token operation of a tag, with its responses (and path parameters, JSON body)."""
    op = {"tags": [tag], "summary": summary, "security": [{"bearerAuth": []}], "responses": responses}
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def json_answer(description: str) -> dict:
    """A JSON object answer."""
    return {"description": description, "content": {"application/json": {"schema": {"type": "object"}}}}


def error_answer(description: str) -> dict:
    """An error answer in the API's error shape."""
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}
