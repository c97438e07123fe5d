"""Reading a Bot API request the way the real server does: query string, JSON, form or multipart.

Forms carry every value as a string (objects JSON-encoded, as PTB sends them); JSON bodies carry
native values but may also stringify objects. Both are normalised here against the spec's types,
so handlers see one shape whatever the client sent.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .errors import bad_request, required
from .models import UploadedFile
from .spec import Method, Param

TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off", ""}


async def read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Collect raw parameters and uploaded files from any encoding the Bot API accepts."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.method != "POST" or not request.can_read_body:
        return raw, files
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON request body")
        raw.update(body)
    elif ctype == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if part is None or not hasattr(part, "read"):
                continue
            name = part.name or ""
            if part.filename is not None:
                data = bytes(await part.read(decode=False))
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                files[name] = UploadedFile(part.filename, content_type, data)
            else:
                raw[name] = await part.text()
    elif ctype == "application/x-www-form-urlencoded":
        form = await request.post()
        raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    else:
        await request.read()
    return raw, files


def normalise(method: Method, raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict:
    """Coerce each known parameter to the spec's type; unknown ones pass through untouched.

    A file uploaded under a parameter's own name, or referenced as ``attach://<part>``, becomes
    an UploadedFile value of that parameter.
    """
    params: dict[str, Any] = {}
    for name, value in raw.items():
        param = method.params.get(name)
        params[name] = _coerce(param, value, files) if param else value
    for name, upload in files.items():
        param = method.params.get(name)
        if param is not None and "InputFile" in param.types and name not in params:
            params[name] = upload
    return params


def check_required(method: Method, params: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
    """Every parameter the spec marks required must be present and non-empty."""
    for param in method.required:
        if param.name in skip:
            continue
        if params.get(param.name) in (None, ""):
            raise required(param.name)


def _coerce(param: Param, value: Any, files: dict[str, UploadedFile]) -> Any:
    types = param.types
    if isinstance(value, str) and "InputFile" in types and value.startswith("attach://"):
        upload = files.get(value[len("attach://"):])
        if upload is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return upload
    if value is None or not isinstance(value, str):
        return value
    if "Integer" in types:
        try:
            return int(value.strip())
        except ValueError:
            if "String" in types:
                return value
            raise bad_request(f'parameter "{param.name}" must be an Integer') from None
    if "Float" in types:
        try:
            return float(value)
        except ValueError:
            raise bad_request(f'parameter "{param.name}" must be a Number') from None
    if "Boolean" in types:
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise bad_request(f'parameter "{param.name}" must be a Boolean')
    if param.structured and "String" not in types:
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {param.name} JSON object") from None
    return value
