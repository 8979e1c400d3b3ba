"""Checks payloads against an OpenAPI 3.0 description (GitHub's, Jira's) with `jsonschema`.

OpenAPI 3.0 schemas are almost JSON Schema draft 4; the differences that matter are `nullable: true`, which
becomes a union with "null", and `$ref`s into `#/components/schemas`, which resolve once the components are
part of the validated document. Formats are checked too (date-time, uri, email), since a wrong timestamp or
a relative URL is exactly the kind of drift these checks exist to catch.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

_NOT_SCHEMA_KEYWORDS = frozenset(
    {
        "nullable",
        "example",
        "examples",
        "discriminator",
        "xml",
        "externalDocs",
        "deprecated",
        "readOnly",
        "writeOnly",
        "x-github",
        "x-github-breaking-changes",
    }
)
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def to_json_schema(node: Any) -> Any:
    """Translate an OpenAPI 3.0 schema (recursively) into JSON Schema draft 4."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _NOT_SCHEMA_KEYWORDS:
            continue
        if key in ("properties", "patternProperties"):  # keys here are property names, not keywords
            out[key] = {name: to_json_schema(schema) for name, schema in value.items()}
        else:
            out[key] = to_json_schema(value)
    if node.get("nullable") is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        elif any(key in out for key in ("$ref", "oneOf", "anyOf", "allOf", "enum")):
            out = {"anyOf": [{"type": "null"}, out]}
    return out


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date-time")
    def is_date_time(value: object) -> bool:
        return not isinstance(value, str) or bool(_DATE_TIME.match(value))

    @checker.checks("uri")
    def is_absolute_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parsed = urlparse(value)
        return bool(parsed.scheme and (parsed.netloc or parsed.scheme in ("mailto", "urn")))

    @checker.checks("email")
    def is_email(value: object) -> bool:
        return not isinstance(value, str) or "@" in value

    return checker


class OpenApiResponses:
    """Validators for the responses of one OpenAPI document, built on demand."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._validators: dict[tuple[str, str, str], Draft4Validator] = {}

    @classmethod
    def load(cls, path: Path) -> OpenApiResponses:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @cached_property
    def _components(self) -> dict[str, Any]:
        return {"schemas": to_json_schema(self.spec.get("components", {}).get("schemas", {}))}

    def response_schema(self, path: str, method: str = "get", status: str = "200") -> dict[str, Any]:
        """The JSON body schema of one documented response, e.g. ("/repos/{owner}/{repo}/pulls", "get")."""
        response = self.spec["paths"][path][method]["responses"][status]
        if "$ref" in response:
            response = self.spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        return response["content"]["application/json"]["schema"]

    def validator(self, path: str, method: str = "get", status: str = "200") -> Draft4Validator:
        key = (path, method, status)
        if key not in self._validators:
            schema = {
                **to_json_schema(self.response_schema(path, method, status)),
                "components": self._components,
            }
            self._validators[key] = Draft4Validator(schema, format_checker=_format_checker())
        return self._validators[key]

    def errors(self, path: str, payload: Any, method: str = "get", status: str = "200") -> list[str]:
        """Readable validation errors (empty when the payload conforms)."""
        found = list(self.validator(path, method, status).iter_errors(payload))
        return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in found[:20]]

    def validate(self, path: str, payload: Any, method: str = "get", status: str = "200") -> None:
        """Raise the most relevant `ValidationError` when the payload does not conform."""
        error: ValidationError | None = best_match(self.validator(path, method, status).iter_errors(payload))
        if error is not None:
            raise error
