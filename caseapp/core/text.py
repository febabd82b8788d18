"""Text hygiene at every entry point: control characters, lone surrogates and hostile JSON.

A NUL, ESC or backspace in a name is harmless in the database but breaks every document built
from it later (python-docx refuses characters XML 1.0 forbids), and a lone surrogate cannot even
be encoded as UTF-8. Such text is refused where it enters (forms, the JSON API, imports), with a
clear message, so that nothing stored can poison a letter.

- ``check_text(value, multiline=...)``: the value with line breaks normalised, or
  ``UnsafeTextError``. Tab and newline are allowed everywhere; a carriage return only in
  multi-line text, where CRLF and CR become LF.
- ``unsafe_character(value, multiline=...)``: the first refused character, or None.
- ``refuse_unsafe_request()``: the same check over query strings, path values and form posts
  (except those of views marked ``text_checked_by_view``), before any view runs.
- ``loads_json(raw)``: ``json.loads`` that refuses lone surrogates and nesting deeper than
  ``MAX_JSON_DEPTH`` (or deep enough to exhaust the recursion limit), and reports the path of a
  value holding a control character or a number beyond 32 bits (``JSONBodyError``, a
  ``DomainError``, so it is answered even where get_json(silent=True) is used).
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Request, current_app, request
from flask_babel import lazy_gettext as _l

from caseapp.core.errors import DomainError

# C0 controls except tab (09), line feed (0A) and carriage return (0D); DEL; lone surrogates;
# the two non-characters XML 1.0 forbids (U+FFFE, U+FFFF).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_SINGLE_LINE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_JSON_DEPTH = 32

UNSAFE_TEXT_MESSAGE = _l("Contains control characters or invalid characters that cannot be saved; "
                         "please delete them and type the text again.")


class UnsafeTextError(ValueError):
    """The text holds a character that is refused at entry."""

    def __init__(self, char: str):
        super().__init__(f"refused character U+{ord(char):04X}")
        self.char = char
        self.message = UNSAFE_TEXT_MESSAGE


def unsafe_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character refused in such a field (a C0 control, DEL, a lone surrogate), or None."""
    match = (_UNSAFE if multiline else _UNSAFE_SINGLE_LINE).search(value)
    return match.group() if match else None


def check_text(value: str, *, multiline: bool = False) -> str:
    """The value, with CRLF/CR turned into LF in multi-line text; raises UnsafeTextError otherwise."""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = unsafe_character(value, multiline=multiline)
    if bad is not None:
        raise UnsafeTextError(bad)
    return value


# --- JSON -------------------------------------------------------------------------------------------

# The largest integer a JSON body may carry: ids and numbers are INTEGER columns, 32-bit on PostgreSQL.
MAX_JSON_INT = 2**31 - 1


class JSONBodyError(DomainError):
    """A JSON body refused as a whole (400) or for one value in it (422, with the value's path)."""

    status_code = 400
    code = "malformed_json"

    def __init__(self, message, *, code: str | None = None, path: str | None = None):
        super().__init__(message, code=code, errors={path: message} if path else None)
        self.path = path
        if path:
            self.status_code = 422


def _first_problem(value: Any) -> tuple[str, str] | None:
    """(path, kind) of the first value refused in a parsed body: "deep" (nested deeper than
    MAX_JSON_DEPTH), "surrogate" (a lone surrogate), "control" (another refused character) or
    "integer" (outside the signed 32-bit range of INTEGER columns, or a float overflowing to infinity); None when clean."""
    stack = [(value, "", 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            bad = unsafe_character(item, multiline=True)
            if bad is not None:
                return where, "surrogate" if _SURROGATE.match(bad) else "control"
        elif isinstance(item, int) and not isinstance(item, bool):
            if not -MAX_JSON_INT - 1 <= item <= MAX_JSON_INT:
                return where, "integer"
        elif isinstance(item, float) and not math.isfinite(item):  # 1e400 parses as infinity
            return where, "integer"
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                return where, "deep"
            if isinstance(item, dict):
                for key, sub in reversed(list(item.items())):
                    sub_path = f"{where}.{key}" if where else str(key)
                    bad = unsafe_character(key, multiline=True)
                    if bad is not None:
                        return sub_path, "surrogate" if _SURROGATE.match(bad) else "control"
                    stack.append((sub, sub_path, depth + 1))
            else:
                stack.extend((sub, f"{where}[{i}]", depth + 1) for i, sub in reversed(list(enumerate(item))))
    return None


def _no_constants(name: str):
    raise ValueError(f"{name} is not allowed")


def loads_json(raw: str | bytes) -> Any:
    """Parse a JSON body, refusing what would later fail: deep nesting, lone surrogates, control
    characters, integers beyond 32 bits, NaN and Infinity. Raises JSONBodyError (400 or 422)."""
    if isinstance(raw, bytes | bytearray):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONBodyError(_l("The request body is not valid UTF-8 JSON.")) from None
    too_deep = _l("The JSON body is nested too deeply (at most %(n)s levels).", n=MAX_JSON_DEPTH)
    try:
        data = json.loads(raw.lstrip("\ufeff"), parse_constant=_no_constants)
    except RecursionError:
        raise JSONBodyError(too_deep, code="too_deep") from None
    except ValueError:  # JSONDecodeError, NaN/Infinity, integers of more than 4300 digits
        raise JSONBodyError(_l("The request body is not valid JSON.")) from None
    found = _first_problem(data)
    if found is None:
        return data
    path, kind = found
    if kind == "deep":
        raise JSONBodyError(too_deep, code="too_deep")
    if kind == "surrogate":
        raise JSONBodyError(_l("The JSON body contains an invalid character (an unpaired surrogate)."),
                            code="invalid_character")
    if kind == "integer":
        raise JSONBodyError(_l("This number is too large."), code="validation_error", path=path or "body")
    raise JSONBodyError(UNSAFE_TEXT_MESSAGE, code="validation_error", path=path or "body")


# --- Query strings, path values and form posts -------------------------------------------------------

FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def text_checked_by_view(view):
    """Mark a view that checks its form's text fields itself, field by field (keeping what the user
    typed, with a message beside the field): refuse_unsafe_request() then leaves its form alone."""
    view.checks_own_text = True
    return view


def _first_unsafe(items) -> str | None:
    for key, value in items:
        for text in (key, value):  # a malformed multipart part may come without a name
            if isinstance(text, str) and unsafe_character(text, multiline=True) is not None:
                return key if isinstance(key, str) and unsafe_character(key, multiline=True) is None else "form"
    return None


def refuse_unsafe_request() -> None:
    """before_request safety net: a query string, a path value or a form field holding a refused
    character (see unsafe_character) is refused before the view runs (422, naming the field), so
    it can reach neither a query (PostgreSQL refuses NUL) nor a letter. Views marked with
    text_checked_by_view check their form fields themselves."""
    field = _first_unsafe(request.args.items(multi=True)) or _first_unsafe((request.view_args or {}).items())
    if field is None and request.method == "POST" and request.mimetype in FORM_MIMETYPES:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "checks_own_text", False):
            if request.mimetype == FORM_MIMETYPES[0]:
                request.get_data(cache=True)  # keep the raw body readable for views that want it
            field = _first_unsafe(request.form.items(multi=True))
    if field is not None:
        from caseapp.core.errors import ValidationError

        raise ValidationError(UNSAFE_TEXT_MESSAGE, errors={field: UNSAFE_TEXT_MESSAGE})


class SafeJSON:
    """The JSON module of requests (Request.json_module): loads_json for parsing."""

    loads = staticmethod(loads_json)
    dumps = staticmethod(json.dumps)


class SafeJSONRequest(Request):
    """Flask's request whose get_json() refuses hostile bodies with a clear 400/422, even when silent."""

    # Flask assigns app.json to each request's json_module; request bodies keep SafeJSON instead
    # (responses and the session cookie still use app.json).
    @property
    def json_module(self):
        return SafeJSON

    @json_module.setter
    def json_module(self, _value) -> None:
        pass
