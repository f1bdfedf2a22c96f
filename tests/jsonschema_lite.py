"""A small JSON Schema checker for the subset the OpenAPI document uses (type, enum, properties,
required, items, additionalProperties, allOf/anyOf/oneOf, $ref, string and number bounds,
pattern): enough to check real responses against the hand-written spec without a dependency."""

from __future__ import annotations

import re
from typing import Any

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(kind: str, value: Any) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[kind])


def errors(value: Any, schema: dict, root: dict, path: str = "$") -> list[str]:
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return errors(value, target, root, path)
    found: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(k, value) for k in kinds):
            return [f"{path}: {type(value).__name__} no es {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} no está en {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            found.append(f"{path}: longitud {len(value)} fuera de límites")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{path}: no cumple {schema['pattern']}")
    low, high = schema.get("minimum"), schema.get("maximum")
    if _is("number", value) and (low is not None and value < low or high is not None and value > high):
        found.append(f"{path}: {value} fuera de límites")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        found += [f"{path}: falta «{k}»" for k in schema.get("required", []) if k not in value]
        for k, v in value.items():
            if k in props:
                found += errors(v, props[k], root, f"{path}.{k}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}: propiedad no documentada «{k}»")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += errors(v, schema["additionalProperties"], root, f"{path}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += errors(item, schema["items"], root, f"{path}[{i}]")
    for sub in schema.get("allOf", []):
        found += errors(value, sub, root, path)
    if "anyOf" in schema and all(errors(value, s, root, path) for s in schema["anyOf"]):
        found.append(f"{path}: no cumple ninguna opción de anyOf")
    if "oneOf" in schema and sum(not errors(value, s, root, path) for s in schema["oneOf"]) != 1:
        found.append(f"{path}: no cumple exactamente una opción de oneOf")
    return found


def validate(value: Any, schema: dict, root: dict) -> list[str]:
    return errors(value, schema, root)
