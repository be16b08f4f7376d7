"""Scene link tokens and the state a link is in. No database access here."""

import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

from .models import SceneLink

# 32 random bytes, URL-safe base64: 43 characters, far beyond guessing.
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 64


class LinkState(StrEnum):
    WAITING = "waiting"  # created, nobody has consented yet
    BOUND = "bound"  # consented on one device
    EXPIRED = "expired"
    REVOKED = "revoked"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_device_key() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(secret: str) -> str:
    """SHA-256 (hex) of a token or device key: what the database keeps instead of the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_LENGTH and all(
        ch.isascii() and (ch.isalnum() or ch in "-_") for ch in token
    )


def state_of(link: SceneLink, now: datetime) -> LinkState:
    """Revocation and expiry win over binding: a bound link stops working at expires_at."""
    if link.revoked_at is not None:
        return LinkState.REVOKED
    if now >= link.expires_at:
        return LinkState.EXPIRED
    if link.consent_at is not None:
        return LinkState.BOUND
    return LinkState.WAITING


def is_bound_to(link: SceneLink, device_key: str | None) -> bool:
    """Whether `device_key` (from the caller's browser session) is the one the link is bound to."""
    if not device_key or not link.device_hash:
        return False
    return hmac.compare_digest(link.device_hash, digest(device_key))


def mask(text: str, token: str) -> str:
    """`text` with the token cut to its first six characters: safe to keep and show."""
    return text.replace(token, token[:6] + "…") if token else text
