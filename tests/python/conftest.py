"""Shared fixtures: paths of the repository, its test data and the CMake build tree."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def root() -> pathlib.Path:
    """The repository root."""
    return ROOT


@pytest.fixture
def data_dir() -> pathlib.Path:
    """tests/data."""
    return ROOT / "tests" / "data"


@pytest.fixture
def build_dir() -> pathlib.Path:
    """The CMake build tree the tests run against (EHUB_BUILD_DIR, default build/dev)."""
    return pathlib.Path(os.environ.get("EHUB_BUILD_DIR", ROOT / "build" / "dev"))
