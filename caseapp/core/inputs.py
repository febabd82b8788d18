"""The input of an action: one schema read by the office form, the API body and the OpenAPI document.

A schema names its fields, their kinds and labels. `clean()` turns an API body (JSON) or an office
form (strings) into typed values with per-field messages; the operation then applies the domain's
own limits (one home for each rule). `form_class()` builds the office form (CSRF and the case
version included) and `openapi()` the request body's properties.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from caseapp.core.errors import ValidationError
from caseapp.core.forms import Mandatory

MAX_ID = 2**63 - 1  # database integer keys; anything larger is no record
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # one file; the domain's own checks (type by content, size) follow
# "ids": several records chosen (a list of ids); "files": files uploaded with an office form or given in
# the API body (multipart, or base64 in JSON); "lines": several short texts (the API's array of strings,
# an office text area's lines); "objects": a list of objects (the API's array, an office form's JSON text).
KINDS = ("text", "longtext", "int", "date", "choice", "bool", "object", "id", "ids", "files", "lines", "objects")
_JSON_TYPES = {"text": "string", "longtext": "string", "int": "integer", "date": "string", "choice": "string",
               "bool": "boolean", "object": "object", "id": "integer", "ids": "array", "files": "array",
               "lines": "array", "objects": "array"}
MAX_LIST_ITEMS = 200
_FILE_ITEM = {"type": "object", "required": ["filename", "content_base64"],
              "properties": {"filename": {"type": "string", "maxLength": 200}, "content_base64": {"type": "string"}}}


@dataclass(frozen=True)
class Upload:
    """One received file: the client's file name and its bytes."""

    filename: str
    data: bytes


def read_uploads(storages) -> list[Upload]:
    """Read werkzeug FileStorage objects (empty inputs skipped); reads at most the limit + 1 byte
    each, so an oversized file is refused by its size without being read whole."""
    uploads = []
    for storage in storages or ():
        if isinstance(storage, Upload):
            uploads.append(storage)
            continue
        if storage is None or not getattr(storage, "filename", None):
            continue
        uploads.append(Upload(storage.filename, storage.stream.read(MAX_UPLOAD_BYTES + 1)))
    return uploads


@dataclass(frozen=True)
class Field:
    """One input of an action."""

    name: str
    kind: str = "text"
    label: object = ""
    required: bool = False
    message: object = None  # shown when a required value is missing
    path: tuple[str, ...] = ()  # where the API body carries it (default: top level, by name)
    default: Any = None  # value, or callable(ctx) giving it, for an office form shown empty
    choices: Callable[[Any], list] | None = None  # ctx -> [(value, label)]
    groups: Callable[[Any], Mapping] | None = None  # ctx -> {group: [(value, label)]}: the office list, grouped
    help: object = None
    max_length: int | None = None
    reader: Callable[[Mapping], Any] | None = None  # builds the value from an office form's inputs
    office: bool = True  # a field of the office form
    api: bool = True  # a field of the API body
    schema: Mapping = field(default_factory=dict)  # extra OpenAPI keywords

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown input kind {self.kind!r}")

    @property
    def location(self) -> tuple[str, ...]:
        return self.path or (self.name,)

    @property
    def takes_api(self) -> bool:
        """A field of the API body (files as base64: {filename, content_base64})."""
        return self.api


def _given_files(raw: Mapping, name: str, source: str) -> list[Upload]:
    """The files of an input: read by the view from its transport (multipart, base64 in JSON) and
    given in `raw`, or, for an office form, uploaded with the request."""
    given = raw.get(name) if isinstance(raw, Mapping) else None
    if isinstance(given, (list, tuple)):
        return [_decoded(u) for u in given] if source == "api" else read_uploads(given)
    if given is not None:
        raise ValueError(_l("Give the files as a list of {filename, content_base64}."))
    if source == "office" and has_request_context():
        return read_uploads(request.files.getlist(name))
    return []


def _decoded(item) -> Upload:
    """A file of an API body: {filename, content_base64} (or an Upload a view read from multipart)."""
    if isinstance(item, Upload):
        return item
    if not isinstance(item, Mapping) or not isinstance(item.get("filename"), str) \
            or not isinstance(item.get("content_base64"), str):
        raise ValueError(_l("Give the files as a list of {filename, content_base64}."))
    if len(item["content_base64"]) > (MAX_UPLOAD_BYTES + 2) // 3 * 4 + 4096:
        raise ValueError(_l("The upload is too large."))
    try:
        return Upload(item["filename"][:200], base64.b64decode(item["content_base64"], validate=True))
    except (binascii.Error, ValueError):
        raise ValueError(_l("The content is not valid base64.")) from None


def _dig(body: Mapping, path: tuple[str, ...]):
    value = body
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


class Schema:
    """The fields of an action's input."""

    def __init__(self, *fields: Field):
        self.fields = fields

    def __bool__(self) -> bool:
        return bool(self.fields)

    def clean(self, raw: Mapping, *, source: str) -> dict:
        """Typed values from an API body (`source="api"`) or an office form (`"office"`);
        ValidationError with a message per field (named as the API names it) when malformed."""
        values, errors = {}, {}
        for f in self.fields:
            if (source == "api" and not f.api) or (source == "office" and not f.office):
                continue
            if f.kind == "files":
                value = _given_files(raw, f.name, source)
            elif source == "api":
                value = _dig(raw, f.location)
            elif f.reader is not None:
                value = f.reader(raw)
            elif f.kind == "ids":
                value = raw.getlist(f.name) if hasattr(raw, "getlist") else raw.get(f.name)
            else:
                value = raw.get(f.name)
            name = ".".join(f.location) if source == "api" else f.name
            try:
                values[f.name] = _convert(f, value, source)
            except ValueError as err:
                errors[name] = err.args[0]
                continue
            if f.required and values[f.name] in (None, "", []):
                errors[name] = f.message or _l("This field is required.")
        if errors:
            raise ValidationError(_l("Please correct the marked fields."), errors=errors)
        return values

    def openapi(self) -> dict:
        """The API body's properties, nested where a field has a path."""
        props: dict = {}
        for f in self.fields:
            if not f.takes_api:
                continue
            spec = {"type": _JSON_TYPES[f.kind], **({"items": {"type": "integer"}} if f.kind == "ids" else {}),
                    **({"items": {"type": "string"}, "maxItems": MAX_LIST_ITEMS} if f.kind == "lines" else {}),
                    **({"items": {"type": "object"}, "maxItems": MAX_LIST_ITEMS} if f.kind == "objects" else {}),
                    **({"items": _FILE_ITEM} if f.kind == "files" else {}), **({"format": "date"} if f.kind == "date" else {}),
                    **({"maxLength": f.max_length} if f.max_length else {}), **f.schema}
            if f.label:
                spec["description"] = str(f.label)
            target = props
            for key in f.location[:-1]:
                target = target.setdefault(key, {"type": "object", "properties": {}})["properties"]
            target[f.location[-1]] = spec
        return props

    def form_class(self, ctx=None, *, versioned: bool = True, prefix: str = "") -> type[FlaskForm]:
        """An office form with one input per office field (plus CSRF, and the case version); `prefix`
        keeps the element ids of several forms on one page apart (the field names stay)."""

        class ActionInputForm(FlaskForm):
            pass

        if versioned:
            ActionInputForm.version = HiddenField()
        for f in self.fields:
            if not f.office or f.reader is not None:
                continue
            kwargs = {"label": f.label, "description": f.help or "", "validators": [Mandatory()] if f.required else [],
                      **({"id": f"{prefix}-{f.name}"} if prefix else {})}
            render_kw = {}
            if f.max_length:
                render_kw["maxlength"] = f.max_length
            if f.kind == "objects":
                widget = HiddenField(**kwargs)
            elif f.kind in ("longtext", "lines"):
                widget = TextAreaField(render_kw={"rows": 4, **render_kw}, **kwargs)
            elif f.kind == "date":
                widget = StringField(render_kw={"type": "date", **render_kw}, **kwargs)
            elif f.kind in ("int", "id"):
                widget = StringField(render_kw={"inputmode": "numeric", **render_kw}, **kwargs)
            elif f.kind == "choice" and f.groups is not None:
                options = [SelectChoice(str(v), lbl, optgroup=str(group)) for group, items in f.groups(ctx).items()
                           for v, lbl in items]
                widget = SelectField(choices=options, validate_choice=False, render_kw=render_kw, **kwargs)
            elif f.kind == "choice":
                options = [SelectChoice(str(v), lbl) for v, lbl in (f.choices(ctx) if f.choices else [])]
                widget = SelectField(choices=options, validate_choice=False, render_kw=render_kw, **kwargs)
            elif f.kind == "bool":
                widget = BooleanField(**kwargs)
            elif f.kind == "ids":
                options = [SelectChoice(str(v), lbl) for v, lbl in (f.choices(ctx) if f.choices else [])]
                widget = SelectMultipleField(choices=options, validate_choice=False, render_kw=render_kw, **kwargs)
            elif f.kind == "files":
                widget = MultipleFileField(render_kw=render_kw, **kwargs)
            else:
                widget = StringField(render_kw=render_kw, **kwargs)
            setattr(ActionInputForm, f.name, widget)
        return ActionInputForm

    def initial(self, ctx) -> dict:
        """Default values for an office form shown empty (a callable default is given the Ctx)."""
        out = {}
        for f in self.fields:
            if f.office and f.default is not None:
                value = f.default(ctx) if callable(f.default) else f.default
                out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out


def _ids(value, source: str) -> list[int]:
    """Several record ids: a JSON array of integers, or an office form's repeated values."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError(_l("Must be a list of records."))
    out = []
    for item in value:
        if source == "office" and isinstance(item, str) and item.strip().isdigit():
            item = int(item.strip())
        if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= MAX_ID:
            raise ValueError(_l("No such record."))
        out.append(item)
    return list(dict.fromkeys(out))


def _lines(f: Field, value, source: str) -> list[str]:
    """Several short texts: a JSON array of strings, or an office text area, one per line."""
    if source == "office" and isinstance(value, str):
        value = value.splitlines()
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(_l("Must be a list of texts."))
    if len(value) > MAX_LIST_ITEMS:
        raise ValueError(_l("At most %(n)s entries.", n=MAX_LIST_ITEMS))
    if f.max_length and any(len(v) > f.max_length for v in value):
        raise ValueError(_l("At most %(n)s characters.", n=f.max_length))
    return [v.strip() for v in value if v.strip()]


def _objects(value, source: str) -> list[dict]:
    """A list of objects: a JSON array, or an office form's JSON text (written by the page's script)."""
    if source == "office" and isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except ValueError:
            raise ValueError(_l("Must be a list of objects.")) from None
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, Mapping) for v in value):
        raise ValueError(_l("Must be a list of objects."))
    if len(value) > MAX_LIST_ITEMS:
        raise ValueError(_l("At most %(n)s entries.", n=MAX_LIST_ITEMS))
    return [dict(v) for v in value]


def _convert(f: Field, value, source: str):
    """One value in its kind; ValueError(message) when it does not fit."""
    if f.kind == "lines":
        return _lines(f, value, source)
    if f.kind == "objects":
        return _objects(value, source)
    if source == "office" and isinstance(value, str) and f.kind not in ("text", "longtext"):
        value = value.strip() or None
    if f.kind == "files":
        return list(value or [])
    if f.kind == "ids":
        return _ids(value, source)
    if value is None or (value == "" and f.kind not in ("text", "longtext")):
        return None
    if f.kind == "choice" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # an id given as a number
    if f.kind in ("text", "longtext", "choice"):
        if not isinstance(value, str):
            raise ValueError(_l("Must be text."))
        if f.max_length and len(value) > f.max_length:
            raise ValueError(_l("At most %(n)s characters.", n=f.max_length))
        return value
    if f.kind in ("int", "id"):
        if source == "office" and isinstance(value, str):
            if not value.lstrip("+").isdigit():
                raise ValueError(_l("Please enter a whole number."))
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_l("Please enter a whole number."))
        if f.kind == "id" and not 1 <= value <= MAX_ID:
            raise ValueError(_l("No such record."))
        if not -MAX_ID <= value <= MAX_ID:
            raise ValueError(_l("The number is too large."))
        return value
    if f.kind == "date":
        if not isinstance(value, str):
            raise ValueError(_l("Please give a date like 2026-11-27."))
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(_l("Please give a date like 2026-11-27.")) from None
    if f.kind == "bool":
        if source == "office":
            return value in ("y", "on", "true", "1", True)
        if not isinstance(value, bool):
            raise ValueError(_l("Must be true or false."))
        return value
    if f.kind == "object":
        if not isinstance(value, Mapping):
            raise ValueError(_l("Must be an object."))
        return dict(value)
    raise ValueError(_l("Unknown input."))  # pragma: no cover - kinds are checked at declaration
