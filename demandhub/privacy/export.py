"""Writing a subject access result: export.json (complete) and export.html (self-contained,
readable on screen and on paper)."""

import json
from dataclasses import asdict
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from .subject_access import Found, Identifiers, SubjectAccessError


def _readable(value: object) -> str:
    """A value as a person reads it: lists one per line, mappings as "key: value"."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_readable(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(_readable(v) for v in value)
    if value is None or value == "":
        return "-"
    return str(value)


def write(folder: Path, ids: Identifiers, found: list[Found]) -> tuple[Path, Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".writable"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise SubjectAccessError(f"cannot write to {folder}: {error.strerror or error}") from error
    made_at = timezone.now()
    document = {
        "made_at": made_at,
        "searched_by": ids.kinds(),
        "identifiers": asdict(ids),
        "records": [asdict(f) for f in found],
        "for_review": sum(1 for f in found if f.review),
    }
    json_path, html_path = folder / "export.json", folder / "export.html"
    json_path.write_text(json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
    html_path.write_text(
        render_to_string(
            "privacy/subject_access.html",
            {
                "doc": document,
                "found": [(f, [(k, _readable(v)) for k, v in f.data.items()]) for f in found],
            },
        )
    )
    return json_path, html_path
