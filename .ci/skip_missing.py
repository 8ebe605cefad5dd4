"""pytest plugin for `make test-min`: leave out test modules that import a package not installed.

The minimum-version environment holds paylab's runtime dependencies at their lower bounds and
the test tools, not the book and site tools (Jupyter Book, JupyterLab, nbgrader, a browser);
a test module that needs one of those is not collected, and the summary names it.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

_LEFT_OUT: dict[str, str] = {}


def _missing_import(path: Path) -> str | None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:  # module-level imports only: the ones that fail at collection
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top != "__future__" and importlib.util.find_spec(top) is None:
                return top
    return None


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        missing = _missing_import(collection_path)
        if missing:
            _LEFT_OUT[collection_path.name] = missing
            return True
    return None


def pytest_terminal_summary(terminalreporter, config) -> None:
    for path in sorted(Path(config.rootpath, "tests").glob("test_*.py")):  # under xdist the workers collect
        missing = _missing_import(path)
        if missing:
            _LEFT_OUT[path.name] = missing
    if _LEFT_OUT:
        terminalreporter.write_line("left out (a package of the dev extra is not installed): " + ", ".join(
            f"{name} ({pkg})" for name, pkg in sorted(_LEFT_OUT.items())))
