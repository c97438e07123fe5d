"""Errors the fake answers with, shaped exactly like the real Bot API's error replies."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API failure: becomes {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code,
                                "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def conflict(reason: str) -> ApiError:
    return ApiError(409, f"Conflict: {reason}")


# Wordings reused by several handlers (kept in one place so tests can import them).
TEXT_EMPTY = "message text is empty"
TEXT_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
CHAT_NOT_FOUND = "chat not found"
EDIT_NOT_FOUND = "message to edit not found"
DELETE_NOT_FOUND = "message to delete not found"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
NOT_SUPPORTED = "not supported by the fake"


def required(name: str) -> ApiError:
    return bad_request(f'parameter "{name}" is required')
