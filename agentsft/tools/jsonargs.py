"""Tool-call arguments: JSON parsing and a small JSON-Schema validator for the subset tool schemas use.

Supported keywords: ``type`` (string / number / integer / boolean / array / object / null, or a list of them),
``enum``, ``const``, ``properties``, ``required``, ``additionalProperties`` (false, or a schema), ``items``,
``anyOf`` / ``oneOf`` (at least one branch matches), ``minLength`` / ``maxLength``, ``minimum`` / ``maximum``.
Anything else (``$ref``, formats, patterns...) is accepted without checking: the tool itself is the last word.
(jsonschema is not a dependency of this project, hence this subset.)
"""

from __future__ import annotations

import json
from typing import Any

_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


def json_type(value: Any) -> str:
    """The JSON type name of a decoded value ("integer" for whole numbers, "number" for other floats)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _JSON_TYPES.get(type(value), type(value).__name__)
    return "integer" if isinstance(value, int) or value.is_integer() else "number"


def parse_arguments(arguments: Any) -> tuple[dict | None, str]:
    """(the arguments as a dict, "") or (None, reason); accepts a JSON string or an already decoded dict."""
    if isinstance(arguments, str):
        text = arguments.strip() or "{}"
        try:
            arguments = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as e:
            return None, f"arguments are not valid JSON ({getattr(e, 'msg', 'nested too deeply')} at position {getattr(e, 'pos', 0)})"
    if not isinstance(arguments, dict):
        return None, f"arguments must be a JSON object, got {json_type(arguments)}"
    return arguments, ""


def validate_value(value: Any, schema: dict, path: str) -> str:
    """"" when ``value`` matches ``schema``, else the first problem found (``path`` names the location)."""
    where = f"'{path}'" if path else "arguments"
    for check in (_check_type, _check_enum, _check_bounds):
        problem = check(value, schema, where)
        if problem:
            return problem
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if branches and all(validate_value(value, branch, path) for branch in branches):
            return f"{where} matches none of the allowed forms"
    if isinstance(value, dict):
        return _check_object(value, schema, path)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            problem = validate_value(item, schema["items"], f"{path}[{i}]")
            if problem:
                return problem
    return ""


def _check_type(value: Any, schema: dict, where: str) -> str:
    wanted = schema.get("type")
    if wanted is None:
        return ""
    allowed = [wanted] if isinstance(wanted, str) else list(wanted)
    actual = json_type(value)
    if actual in allowed or (actual == "integer" and "number" in allowed):
        return ""
    return f"{where} must be {' or '.join(allowed)}, got {actual}"


def _check_enum(value: Any, schema: dict, where: str) -> str:
    if "enum" in schema and value not in schema["enum"]:
        options = ", ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"])
        return f"{where} must be one of {options}"
    if "const" in schema and value != schema["const"]:
        return f"{where} must be {json.dumps(schema['const'], ensure_ascii=False)}"
    return ""


def _check_bounds(value: Any, schema: dict, where: str) -> str:
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            return f"{where} is too short (at least {schema['minLength']} characters)"
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"{where} is too long (at most {schema['maxLength']} characters)"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return f"{where} must be >= {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"{where} must be <= {schema['maximum']}"
    return ""


def _check_object(value: dict, schema: dict, path: str) -> str:
    properties = schema.get("properties") or {}
    prefix = f"{path}." if path else ""
    missing = [key for key in schema.get("required", []) if key not in value]
    if missing:
        return "missing required argument" + ("s " if len(missing) > 1 else " ") + \
            ", ".join(f"'{prefix}{key}'" for key in missing)
    extra_schema = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            problem = validate_value(item, properties[key], prefix + key)
        elif extra_schema is False:
            allowed = ", ".join(properties) or "none"
            problem = f"unexpected argument '{prefix}{key}' (allowed: {allowed})"
        elif isinstance(extra_schema, dict):
            problem = validate_value(item, extra_schema, prefix + key)
        else:
            problem = ""
        if problem:
            return problem
    return ""
