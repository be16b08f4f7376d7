"""The public reference material in ../shared/reference, beside the repository.

CI clones the repository with shared/ beside it, so under CI=true a missing file fails the run;
on a developer's machine without it the test is skipped with the reason.
"""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_REFERENCE = REPO_ROOT.parent / "shared" / "reference"


def shared_reference(relative: str = "") -> Path:
    """The path `relative` inside ../shared/reference; fails (CI) or skips if it is missing."""
    path = SHARED_REFERENCE / relative
    if path.exists():
        return path
    message = f"{path} not found: ../shared/reference must sit beside the repository"
    if os.getenv("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
