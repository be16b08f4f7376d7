"""Find ../shared/reference beside the repository; under CI=true its absence fails the run."""

import os
from pathlib import Path

import pytest


def seattle_sample() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "reference" / "calls" / "seattle_spd"
        if (parent / "pyproject.toml").exists() and candidate.is_dir():
            return candidate / "spd_call_data_sector_C3_2018-2023.csv"
    message = "../shared/reference/calls/seattle_spd not found beside the repository"
    if os.getenv("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
