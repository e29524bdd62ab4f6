"""The numba warm-up thread: it loads numba's target and the kernels, and never raises."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sizeup.analytics._jit import KERNEL_MODULES, warm_up


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return out.stdout.strip()


def test_warm_up_loads_the_cpu_target_and_the_kernel_modules() -> None:
    # a fresh process: before the warm-up numba's array implementations are not loaded
    out = _run(
        """
        import sys
        from sizeup.analytics._jit import KERNEL_MODULES, warm_up
        before = 'numba.np.arraymath' in sys.modules
        warm_up().join()
        kernels = all(m in sys.modules for m in KERNEL_MODULES)
        print(before, 'numba.np.arraymath' in sys.modules, kernels)
        """
    )
    assert out == "False True True"


def test_a_kernel_called_while_the_warm_up_runs_waits_and_gives_the_right_answer() -> None:
    # record_since_nb: index of the last earlier finite value >= today's, -1 when none
    out = _run(
        """
        import numpy as np
        from sizeup.analytics._jit import warm_up
        thread = warm_up()
        from sizeup.analytics.performance._streaks_kernel import record_since_nb
        print(record_since_nb(np.array([1.0, 3.0, 2.0, np.nan, 4.0, 1.0, 1.0])).tolist())
        thread.join()
        """
    )
    assert out == "[-1, -1, 1, -1, -1, 4, 5]"


def test_a_failing_warm_up_is_silent() -> None:
    thread = warm_up(["sizeup.no_such_module_xyz"])
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert KERNEL_MODULES  # the default list is not empty
