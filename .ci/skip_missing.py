"""pytest plugin for `make test-min`: leave out tests that need a package that is not installed.

The minimum-version environment holds paylab's runtime dependencies at their lower bounds and
the test tools, not the book and site tools (Jupyter Book, JupyterLab, nbgrader, a browser).
A test module that cannot be imported for want of such a package is not collected, and a test
that fails with ``ModuleNotFoundError`` for one is reported as skipped; the summary names them.
A missing ``paylab`` module is never excused.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_LEFT_OUT: dict[str, str] = {}


def _excused(exc: BaseException) -> str | None:
    if isinstance(exc, ModuleNotFoundError) and exc.name and exc.name.split(".")[0] not in ("paylab", "tests"):
        return exc.name.split(".")[0]
    return None


def _import_fails(path: Path) -> str | None:
    spec = importlib.util.spec_from_file_location(f"_skip_missing_probe_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # anything else is reported by the normal collection
        return _excused(exc)
    finally:
        sys.modules.pop(spec.name, None)
    return None


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        missing = _import_fails(collection_path)
        if missing:
            _LEFT_OUT[collection_path.name] = missing
            return True
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is not None and report.failed:
        missing = _excused(call.excinfo.value)
        if missing:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"needs {missing} (not in test-min)")


def pytest_terminal_summary(terminalreporter, config) -> None:
    if _LEFT_OUT:  # without xdist; under xdist the skipped tests say which package they need
        terminalreporter.write_line("left out (a package of the dev extra is not installed): " + ", ".join(
            f"{name} ({pkg})" for name, pkg in sorted(_LEFT_OUT.items())))
