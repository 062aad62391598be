"""Personal data never travels past parsing: at most a keyed hash of it does.

`person_key` lets analysts count repeat applicants without knowing who they are; it is an
HMAC-SHA256 under MONEV_PSEUDONYM_KEY, so without the key it cannot be reversed by hashing
every possible NIK.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import pyarrow as pa

PREFERENCE = ("nik", "phone", "email")


def _normalise(kind: str, text: str) -> str | None:
    text = text.strip()
    if kind == "email":
        return text.lower() or None
    digits = re.sub(r"\D", "", text)
    if kind == "phone" and digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits or None


def person_keys(kind: str, values: pa.Array, key: str) -> pa.Array:
    """Keyed hash of each value (normalised so "0812-3456" and "62812 3456" agree); blanks stay null."""
    secret = key.encode("utf-8")
    cache: dict[str, str | None] = {}
    keys = []
    for text in values.to_pylist():
        if text not in cache:
            normal = _normalise(kind, text) if text else None
            cache[text] = hmac.new(secret, normal.encode(), hashlib.sha256).hexdigest()[:32] if normal else None
        keys.append(cache[text])
    return pa.array(keys, pa.string())
