"""Find ../shared/reference beside the repository (CI clones the repo with shared/ beside it)."""

import os
from pathlib import Path

import pytest


def shared_reference() -> Path:
    """The shared reference folder; under CI=true its absence fails the run instead of skipping."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "reference"
        if (parent / "pyproject.toml").exists() and candidate.is_dir():
            return candidate
    message = "../shared/reference not found beside the repository"
    if os.getenv("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
