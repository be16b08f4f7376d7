"""Where evidence files live and how they are written: hashed as they are stored, never changed.

Files go under SCENE_EVIDENCE_DIR (default: <DEMANDHUB_DATA_DIR>/evidence), one folder per
incident, named by a random id; the database row holds the relative path and the SHA-256.
"""

import hashlib
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .errors import EvidenceRejected

# What each kind may be, and the bytes every such file starts with (checked, not trusted).
ALLOWED_TYPES: dict[str, dict[str, str]] = {
    "still": {"image/png": "png", "image/jpeg": "jpg"},
    "recording": {"video/webm": "webm", "video/mp4": "mp4"},
}
_MAGIC: dict[str, tuple[int, bytes]] = {
    "png": (0, b"\x89PNG\r\n\x1a\n"),
    "jpg": (0, b"\xff\xd8\xff"),
    "webm": (0, b"\x1a\x45\xdf\xa3"),
    "mp4": (4, b"ftyp"),
}


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to evidence_dir()
    size: int
    sha256: str


def evidence_dir() -> Path:
    configured = getattr(settings, "SCENE_EVIDENCE_DIR", "")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "evidence"


def max_bytes(kind: str) -> int:
    if kind == "still":
        return int(settings.SCENE_STILL_MAX_BYTES)
    return int(settings.SCENE_RECORDING_MAX_BYTES)


def extension_for(kind: str, content_type: str) -> str:
    """The file extension for a declared type, or EvidenceRejected."""
    base = content_type.split(";", 1)[0].strip().lower()
    try:
        return ALLOWED_TYPES[kind][base]
    except KeyError:
        raise EvidenceRejected(f"A {kind} cannot be of type {base or 'unknown'}.") from None


def store(chunks: Iterable[bytes], *, kind: str, folder: str, extension: str) -> StoredFile:
    """Write the chunks to a new file, hashing as it goes; EvidenceRejected if the content is
    too large or does not start as its type must. Nothing is left behind on refusal."""
    root = evidence_dir()
    target_dir = root / folder
    target_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{uuid.uuid4().hex}.{extension}"
    partial = target_dir / f".{name}.part"
    limit = max_bytes(kind)
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise EvidenceRejected(f"The {kind} is larger than {limit} bytes.")
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        offset, magic = _MAGIC[extension]
        if size == 0 or head[offset : offset + len(magic)] != magic:
            raise EvidenceRejected(f"The file is not a {extension.upper()} {kind}.")
        os.replace(partial, target_dir / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return StoredFile(path=f"{folder}/{name}", size=size, sha256=digest.hexdigest())


def discard(stored: StoredFile) -> None:
    """Remove a file whose database row was never written."""
    (evidence_dir() / stored.path).unlink(missing_ok=True)


def path_of(relative: str) -> Path:
    root = evidence_dir().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise EvidenceRejected("The evidence path lies outside the evidence folder.")
    return path
