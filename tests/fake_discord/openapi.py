"""Validation of each REST request against Discord's published OpenAPI description."""

from __future__ import annotations

import functools
import json
import logging
import re
import reprlib
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest
from openapi_core.validation.request.exceptions import InvalidRequestBody

log = logging.getLogger(__name__)

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "discord-api-spec" / "openapi.json"
HOST = "https://discord.com"
PREFIX = "/api/v10"
MAX_CONTENT = 2000  # Discord's limit for bots; the spec says 4000 (the Nitro limit)


SNOWFLAKE = "#/components/schemas/SnowflakeType"
# Discord reads snowflakes in bodies as strings or integers (its docs upload files with
# `"attachments": [{"id": 0}]`, as discord.py does); the spec only allows strings.
SNOWFLAKE_INPUT = {"anyOf": [{"$ref": SNOWFLAKE}, {"type": "integer", "minimum": 0}]}


@functools.cache
def _spec() -> dict[str, Any]:
    spec = json.loads(SPEC_PATH.read_text())
    schemas = spec["components"]["schemas"]
    for name, schema in schemas.items():
        if name != "SnowflakeType":
            _accept_integer_snowflakes(schema)
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                _accept_integer_snowflakes(operation["requestBody"])
    return spec


def _accept_integer_snowflakes(node: Any) -> None:
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        if isinstance(child, dict) and child.get("$ref") == SNOWFLAKE:
            child.pop("$ref")
            child.update(SNOWFLAKE_INPUT)
        else:
            _accept_integer_snowflakes(child)


@functools.cache
def load() -> OpenAPI:
    """The validator, built once per process.

    The spec's own meta-validation (about 6 s) is skipped: the file is Discord's, and request
    validation does not depend on it.
    """
    log.info("loading %s", SPEC_PATH)
    return OpenAPI.from_dict(_spec(), config=Config(spec_validator_cls=None))


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    def pattern(template: str) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")

    return [(pattern(path), item) for path, item in _spec()["paths"].items()]


def _operation(method: str, path: str) -> dict[str, Any] | None:
    for pattern, item in _templates():
        if pattern.match(path) and method.lower() in item:
            return item[method.lower()]
    return None


def validate(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    json_body: bytes | None,
    *,
    multipart: bool = False,
) -> list[str]:
    """Why Discord would reject this request (empty if it would not).

    `path` is the part after `/api/v10`. For a multipart request, pass its `payload_json`
    part as `json_body`: that part is checked against the operation's JSON body schema.
    """
    errors = []
    operation = _operation(method, path) or {}
    if multipart and "multipart/form-data" not in operation.get("requestBody", {}).get(
        "content", {}
    ):
        errors.append("multipart/form-data is not accepted here")
    if {} not in operation.get("security", [{}]) and not headers.get(
        "Authorization", ""
    ).startswith("Bot "):
        errors.append("no 'Authorization: Bot <token>' header")
    request = MockRequest(
        HOST,
        method,
        PREFIX + path,
        args=dict(query),
        headers=dict(headers),
        data=json_body,
        content_type="application/json",
    )
    with warnings.catch_warnings():
        # openapi-core cannot check the OAuth2 alternative; the bot token is checked above.
        warnings.filterwarnings("ignore", "Unsupported scheme type")
        errors.extend(_describe(error) for error in load().iter_request_errors(request))
    if json_body:
        errors.extend(_discord_rules(json.loads(json_body)))
    return errors


def _describe(error: Exception) -> str:
    schema_errors: tuple[ValidationError, ...] = getattr(error.__cause__, "schema_errors", ())
    if not schema_errors:
        return str(error.__cause__ or error)[:500]
    where = "body" if isinstance(error, InvalidRequestBody) else str(error)
    return f"{where}: " + "; ".join(_describe_schema_error(e) for e in schema_errors)


def _describe_schema_error(error: ValidationError) -> str:
    """Where and why; for a failed anyOf/oneOf, the deepest failure inside it."""
    error = max(_leaves(error), key=lambda e: len(e.absolute_path))
    path = "/".join(map(str, error.absolute_path)) or "(root)"
    return (
        f"{path}: {reprlib.repr(error.instance)} "
        f"fails {error.validator} {reprlib.repr(error.validator_value)}"
    )


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for child in error.context for leaf in _leaves(child)]


def _discord_rules(body: Any) -> list[str]:
    """Limits Discord enforces that the spec does not state."""
    if not isinstance(body, dict):
        return []
    messages = [body, body.get("data")]
    return [
        f"content: {len(m['content'])} characters, Discord allows {MAX_CONTENT}"
        for m in messages
        if isinstance(m, dict) and len(m.get("content") or "") > MAX_CONTENT
    ]
