from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notespress.build import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_workspace(source: Path, target: Path) -> Path:
    """A private copy of a workspace (build output and caches left out)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(
        "build", "__pycache__", ".git", "src", "tests", ".ci", "*.egg-info", ".venv"))
    return target


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the small fixture publication (built-in layouts and fonts)."""
    return copy_workspace(FIXTURES / "mini", tmp_path / "mini")


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The demo publication (the repository root), built once for the session."""
    root = copy_workspace(REPO, tmp_path_factory.mktemp("demo") / "ws")
    return root, build(root, "issue-12", html=True)


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = copy_workspace(FIXTURES / "mini", tmp_path_factory.mktemp("mini") / "ws")
    return root, build(root, "3", html=True)


@pytest.fixture(scope="session")
def mini_small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The fixture publication on half-letter pages (one column, smaller type)."""
    root = copy_workspace(FIXTURES / "mini", tmp_path_factory.mktemp("small") / "ws")
    config = root / "notespress.yaml"
    config.write_text(config.read_text().replace("page_size: a4", "page_size: half-letter"))
    return root, build(root, "3", html=True)
