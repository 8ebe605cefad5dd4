"""Binder and JupyterHub: repo2docker's dry run (no Docker needed) picks the pinned Python and installs paylab."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
REPO2DOCKER = shutil.which("repo2docker") or str(Path(sys.executable).parent / "repo2docker")
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "labs").glob("*.ipynb"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def test_binder_files_pin_python_and_cover_the_dependencies():
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() in ("python-3.11", "python-3.12")
    pins = [ln.strip() for ln in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pinned = {_name(p) for p in pins}
    assert {_name(r) for r in runtime} <= pinned, "binder/requirements.txt lacks a runtime dependency of paylab"
    assert "nbgitpuller" in pinned, "a hub hands out the labs with nbgitpuller"
    post = BINDER / "postBuild"
    assert post.stat().st_mode & 0o100, "binder/postBuild must be executable"
    assert "pip install --no-cache-dir ." in post.read_text(encoding="utf-8")


def test_every_notebook_uses_the_python3_kernel():
    for path in NOTEBOOKS:
        assert nbformat.read(path, as_version=4).metadata.kernelspec.name == "python3", path.name


@pytest.mark.skipif(not Path(REPO2DOCKER).exists(), reason="repo2docker is not installed (pip install -e '.[dev]')")
def test_repo2docker_dry_run_picks_the_pinned_environment(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(BINDER, repo / "binder")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    done = subprocess.run([REPO2DOCKER, "--no-build", "--no-run", "--debug", str(repo)],
                          capture_output=True, text=True, timeout=120, cwd=repo)
    assert done.returncode == 0, done.stderr[-2000:]
    dockerfile = done.stdout + done.stderr
    version = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip().removeprefix("python-")
    assert f"python={version}" in dockerfile, "repo2docker did not select the pinned Python"
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "./binder/postBuild" in dockerfile, "paylab itself is installed by binder/postBuild"
