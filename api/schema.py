"""Schema post-processing: every operation documents its errors as RFC 9457 problem documents."""

from __future__ import annotations

from typing import Any

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "current_version": {"type": "integer"},
        "retry_after": {"type": "integer"},
    },
    "required": ["type", "title", "status"],
}


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if code.startswith(("4", "5")) and "content" not in response:
                    response["content"] = reference
            responses["default"] = {"description": "Erreur (problem+json)", "content": reference}
    return result
