"""Shared test set-up: a modest, deterministic hypothesis profile and the repo root."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

settings.register_profile("paylab", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "paylab"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    """The repository root (for tests that read notebooks or the built site)."""
    return ROOT


# --- browser tests: find Chromium, or skip with one line saying how to install it -------------
#: Where Chromium is looked for, in order (PAYLAB_CHROMIUM overrides). Playwright never downloads one.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium",
                       "/usr/bin/google-chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium")
HOW_TO_INSTALL = ("install it (Debian/Ubuntu: `sudo apt-get install chromium fonts-noto-cjk`) "
                  "or set PAYLAB_CHROMIUM=/path/to/chromium")
INSTALL_CHROMIUM = "browser tests skipped: no Chromium found; " + HOW_TO_INSTALL
_browser_skipped: list[str] = []


def find_chromium() -> Path | None:
    """The Chromium executable the browser tests drive, or None."""
    import shutil

    explicit = os.environ.get("PAYLAB_CHROMIUM")
    if explicit:
        return Path(explicit) if Path(explicit).exists() else None
    for cand in CHROMIUM_CANDIDATES:
        if Path(cand).exists():
            return Path(cand)
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return Path(found)
    return None


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Chromium for Playwright; skips (or, under CI=true, fails) when there is none."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing and CI=true, where the browser tests must run: " + HOW_TO_INSTALL)
        _browser_skipped.append(INSTALL_CHROMIUM)
        pytest.skip(INSTALL_CHROMIUM)
    return path


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the skip notice once, even without ``-rs``."""
    if _browser_skipped:
        terminalreporter.write_line(_browser_skipped[0])
