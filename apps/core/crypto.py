"""Personal data at rest: encrypted with the installation's key, found again through a keyed hash.

Residents' identity numbers and phones, and case reporters' phones, are stored as Fernet tokens (the key
comes from FIELD_ENCRYPTION_KEY) beside an HMAC-SHA256 of the normalised value, so that an exact search
needs no decryption and the hash alone reveals nothing without the key.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(key: str) -> Fernet:
    if not key:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set; see README.md, Configuration.")
    return Fernet(key)


def encrypt(value: str) -> str:
    """The token to store; blank stays blank."""
    if not value:
        return ""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured("A stored value does not decrypt with FIELD_ENCRYPTION_KEY.") from error


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the value (hex), keyed with a key derived from the encryption key; blank stays blank."""
    if not value:
        return ""
    key = hashlib.sha256(b"gridgov-search:" + settings.FIELD_ENCRYPTION_KEY.encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits of a mobile number, less for short numbers."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return f"{'*' * max(len(phone) - 4, 1)}{phone[-4:]}"
