"""JSON responses encoded with orjson: long v2 series are hundreds of KiB, and the stdlib encoder
spends more time on them than the rest of the request put together."""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, with orjson doing the encoding; keys keep their insertion order."""

    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Encode obj as compact JSON text."""
        # marshmallow keys batch errors by list index: integers, which JSON writes as strings
        return orjson.dumps(obj, default=self.default, option=orjson.OPT_NON_STR_KEYS).decode()
