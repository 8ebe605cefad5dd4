"""Benchmark: each notebook's run time and the peak memory of its kernel.

Runs every notebook of chapters/ and labs/ (or the ones named) in a fresh ``python3`` kernel
and prints, per notebook, the wall time and the kernel's peak resident memory (its
``ru_maxrss``), then the largest peak: the memory a student kernel on Binder or a hub needs.
Usage: .venv/bin/python bench/notebook_memory.py [notebooks ...] [--timeout 300]
Timings depend on the machine and on what else runs on it; note the load with the result.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEAK_CELL = "import resource as _r\nprint('PEAK_KIB', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"
MiB = 1024


def measure(path: Path, timeout: int) -> tuple[float, int]:
    """Run one notebook; return (seconds, peak kernel memory in KiB)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return seconds, int(text.split()[-1])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: chapters/*.ipynb and labs/*.ipynb")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per cell (default: %(default)s)")
    args = ap.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "labs").glob("*.ipynb"))
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'notebook':44} {'run time':>9} {'peak kernel memory':>19}")
    rows = []
    for path in paths:
        seconds, peak = measure(path, args.timeout)
        rows.append((path, seconds, peak))
        name = str(path.resolve().relative_to(ROOT)) if path.resolve().is_relative_to(ROOT) else str(path)
        print(f"{name:44} {seconds:8.1f}s {peak / MiB:15.0f} MiB", flush=True)
    worst = max(rows, key=lambda r: r[2])
    print(f"largest peak: {worst[2] / MiB:.0f} MiB ({worst[0].name}); total run time {sum(r[1] for r in rows):.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
