"""Text hygiene at every entry point: control characters, lone surrogates and hostile JSON.

A NUL, ESC or backspace in a name is harmless in the database but breaks every document built
from it later (python-docx refuses characters XML 1.0 forbids), and a lone surrogate cannot even
be encoded as UTF-8. Such text is refused where it enters (forms, the JSON API, imports), with a
clear message, so that nothing stored can poison a letter.

- ``check_text(value, multiline=...)``: the value with line breaks normalised, or
  ``UnsafeTextError``. Tab and newline are allowed everywhere; a carriage return only in
  multi-line text, where CRLF and CR become LF.
- ``unsafe_character(value, multiline=...)``: the first refused character, or None.
- ``refuse_unsafe_office_form()``: the same check over every field of an office form post.
- ``loads_json(raw)``: ``json.loads`` that refuses lone surrogates and nesting deeper than
  ``MAX_JSON_DEPTH`` (or deep enough to exhaust the recursion limit), and reports the path of a
  value holding a control character or a number beyond 64 bits (``JSONBodyError``, a
  ``DomainError``, so it is answered even where get_json(silent=True) is used).
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Request, request
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


def is_safe_text(value: str, *, multiline: bool = False) -> bool:
    """Whether check_text would accept the value."""
    return unsafe_character(value, multiline=multiline) is None


# --- JSON -------------------------------------------------------------------------------------------

# The largest integer a JSON body may carry: ids and amounts are stored as signed 64-bit integers.
MAX_JSON_INT = 2**63 - 1


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
    "integer" (outside the signed 64-bit range, or a float overflowing to infinity); None when clean."""
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
    characters, integers beyond 64 bits, NaN and Infinity. Raises JSONBodyError (400 or 422)."""
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


# --- Form posts ------------------------------------------------------------------------------------

FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_unsafe_office_form() -> None:
    """before_request safety net for the office: a form post with a refused character in any field
    is refused as a whole (422, the page's message names the problem), so that nothing typed in an
    office form can reach a letter. Portal forms check field by field with their own messages."""
    if request.method != "POST" or not request.path.startswith("/office") or request.mimetype not in FORM_MIMETYPES:
        return
    for key, value in request.form.items(multi=True):
        if unsafe_character(key, multiline=True) is not None or unsafe_character(value, multiline=True) is not None:
            from caseapp.core.errors import ValidationError

            raise ValidationError(UNSAFE_TEXT_MESSAGE, errors={key: UNSAFE_TEXT_MESSAGE})


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
