"""Photos sent with online reports: checked by their content, size-capped, stored by SHA-256.

The file's name and declared type are the sender's claim; only the bytes decide. Pillow opens
and verifies the image, so a renamed executable or a truncated file is refused. The photo is then
re-encoded from its pixels (turned upright first), which drops EXIF and every other metadata block
(GPS position, camera serial, thumbnails) and anything appended after the image data; the stored
bytes and their SHA-256 are the re-encoded ones.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 3
# Pillow format -> (content type, file extension). Formats a phone camera or screenshot
# produces; nothing that can carry script (SVG) or be huge when decoded (TIFF).
ALLOWED = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
# Refuse decompression bombs: a 10 MB file may declare billions of pixels.
MAX_PIXELS = 60_000_000


class PhotoRefused(ValueError):
    """Plain-English reason for the member of the public."""


@dataclass(frozen=True)
class CheckedPhoto:
    data: bytes
    content_type: str
    extension: str
    sha256: str


def check_photo(data: bytes, name: str) -> CheckedPhoto:
    if len(data) > MAX_BYTES:
        raise PhotoRefused(f"“{name}” is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise PhotoRefused(f"“{name}” is empty.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or ""
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRefused(f"“{name}” is too large an image.")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoRefused(
            f"“{name}” is not a photo we can accept. Please send a JPEG, PNG, WebP or GIF image."
        ) from None
    if fmt not in ALLOWED:
        raise PhotoRefused(
            f"“{name}” is not a photo we can accept. Please send a JPEG, PNG, WebP or GIF image."
        )
    content_type, extension = ALLOWED[fmt]
    try:
        clean = _reencode(data, fmt)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoRefused(
            f"“{name}” is not a photo we can accept. Please send a JPEG, PNG, WebP or GIF image."
        ) from None
    return CheckedPhoto(clean, content_type, extension, hashlib.sha256(clean).hexdigest())


def _reencode(data: bytes, fmt: str) -> bytes:
    """The image's pixels in the same format, without metadata."""
    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        if fmt == "GIF":  # keep every frame of an animation, and its timing
            image.save(out, "GIF", save_all=True, loop=image.info.get("loop", 0))
            return out.getvalue()
        upright = ImageOps.exif_transpose(image)
        if fmt == "JPEG":
            upright.convert("RGB").save(out, "JPEG", quality=92, optimize=True)
        elif fmt == "WEBP":
            upright.save(out, "WEBP", quality=92)
        else:
            upright.save(out, "PNG", optimize=True)
    return out.getvalue()


def store(photo: CheckedPhoto, root: Path) -> str:
    """Write the photo under `root` named by its hash; returns the path relative to `root`.
    The same photo sent twice is stored once."""
    relative = Path(photo.sha256[:2]) / f"{photo.sha256}.{photo.extension}"
    target = root / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(photo.data)
        tmp.replace(target)
    return str(relative)
