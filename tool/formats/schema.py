"""JSON Schema (2020-12) of the front matter, from the definitions `validate` reads with. Pure."""

from __future__ import annotations

from typing import Any

from tool.ids import ID_PATTERN, MAX_ID_BYTES
from tool.model import ALLOWED, DATE_PATTERN, TIME_PATTERN
from tool.parse.records import (
    BOOL,
    DATE,
    FIELD_HELP,
    INT,
    INTERVIEW_FIELDS,
    LIST,
    PERSON_FIELDS,
    REQUIRED,
    TEXT,
    TIME,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = {"person": PERSON_FIELDS, "interview": INTERVIEW_FIELDS}
ID_FIELDS = ("person", "introduced_by")  # hold a person's id; `referrals` may hold names too
_NULL = {"type": "null"}  # `key:` with nothing: the field is not set

# Each kind of field as other tools read YAML into JSON: dates and times as text.
_TYPES: dict[str, dict[str, Any]] = {
    TEXT: {"type": "string"},
    DATE: {"type": "string", "format": "date", "pattern": f"^{DATE_PATTERN}$"},
    TIME: {"type": "string", "pattern": f"^(?:{TIME_PATTERN})$"},
    INT: {"type": "integer", "minimum": 0, "maximum": 999_999},
    BOOL: {"type": "boolean"},
    LIST: {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, _NULL]}},
            {"type": "string", "description": "one item"},
        ]
    },
}


def _field(name: str, kind: str, required: bool) -> dict[str, Any]:
    """One property: its type, allowed values or pattern, and what it means."""
    value: dict[str, Any] = dict(_TYPES[kind])
    if name in ALLOWED:
        value["enum"] = list(ALLOWED[name])
    if name in ID_FIELDS:
        value.update(pattern=f"^{ID_PATTERN}$", maxLength=MAX_ID_BYTES)
    if required:
        value.setdefault("pattern", r"\S")  # not blank
    else:  # `key:` with nothing is a field not set
        value = {"anyOf": [*value.get("anyOf", [value]), _NULL]}
    return {"description": FIELD_HELP[name], **value}


def record_schema(kind: str) -> dict[str, Any]:
    """The schema of a "person" or "interview" front matter, without the `$schema` line."""
    fields = KINDS[kind]
    return {
        "title": f"{kind.capitalize()} front matter",
        "description": f"The YAML front matter of a file in "
        f"{'people' if kind == 'person' else 'interviews'}/; keys of your own are allowed.",
        "type": "object",
        "properties": {
            name: _field(name, field_kind, name in REQUIRED[kind])
            for name, field_kind in fields.items()
        },
        "required": list(REQUIRED[kind]),
        "additionalProperties": True,
    }


def schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of one kind's front matter, or of both (under `$defs`) when None."""
    if kind is not None:
        return {"$schema": DIALECT, **record_schema(kind)}
    return {
        "$schema": DIALECT,
        "title": "Front matter of a knowledge base record",
        "description": "A person (people/*.md) or an interview (interviews/*.md).",
        "anyOf": [{"$ref": "#/$defs/person"}, {"$ref": "#/$defs/interview"}],
        "$defs": {name: record_schema(name) for name in KINDS},
    }
