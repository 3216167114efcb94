"""`notespress init` and `build` from an installed wheel, far from this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(REPO)], check=True, capture_output=True)
    return next(out.glob("notespress-*.whl"))


@pytest.mark.slow
def test_wheel_carries_layouts_fonts_and_starter(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "notespress/_defaults/layouts/issue.html" in names
    assert "notespress/_defaults/layouts/notespress.css" in names
    assert any(n.startswith("notespress/_defaults/fonts/") and n.endswith("OFL.txt")
               for n in names)
    assert "notespress/_defaults/layouts/.history.json" in names
    assert "notespress/starter/texts/en/01-welcome.md" in names
    assert "notespress/starter/texts/fa/01-welcome.md" in names


@pytest.mark.slow
def test_init_and_build_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    python = venv / "bin" / "python"
    # far from the checkout: a PYTHONPATH that points into it (as in a worktree) is left out
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                    str(wheel)], check=True, capture_output=True, env=env)
    where = subprocess.run([str(python), "-c", "import notespress; print(notespress.__file__)"],
                           check=True, capture_output=True, text=True, cwd=tmp_path,
                           env=env).stdout
    assert str(venv) in where, "the wheel, not the checkout, must be imported"
    exe = venv / "bin" / "notespress"
    subprocess.run([str(exe), "init", "pub", "--name", "Wheel Notes"], check=True,
                   cwd=tmp_path, capture_output=True, env=env)
    done = subprocess.run([str(exe), "build", "issue-1"], cwd=tmp_path / "pub",
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pub/build/issue-1/wheel-notes-1-print.pdf").stat().st_size > 10_000
