"""How a delivery is signed, and how a receiver checks it (docs/webhooks.md shows the same in Python).

    X-GridGov-Timestamp: 1767225600
    X-GridGov-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>

The timestamp is signed with the body so that a captured request cannot be replayed later: receivers
refuse timestamps more than a few minutes away from their clock.
"""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the marker that starts every secret, not a secret
SIGNATURE_PREFIX = "sha256="


def secret_generate() -> str:
    return f"{SECRET_PREFIX}{secrets.token_urlsafe(32)}"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_PREFIX}{digest}"


def signature_valid(secret: str, timestamp: str, body: bytes, received: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, body), received)
