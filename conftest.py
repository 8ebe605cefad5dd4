"""Repository-wide pytest set-up for nbval.

nbval 0.11 sends every cell with ``store_history=False``. IPython decides
whether a trailing ``;`` silences a cell's value by looking at the last cell
*in the history*, so under nbval ``plot();`` would print the value that
Jupyter and Jupyter Book hide, and the committed outputs would never match.
Run cells the way Jupyter does: with history.
"""

from __future__ import annotations

try:
    from nbval.kernel import RunningKernel
except ImportError:  # nbval not installed: nothing to adjust
    RunningKernel = None

if RunningKernel is not None:
    def _execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)

    RunningKernel.execute_cell_input = _execute_cell_input
