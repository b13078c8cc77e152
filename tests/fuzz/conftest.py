"""Print the fuzzer's figures at the end of a run: CLI runs per input kind."""

from __future__ import annotations

import pytest
from fuzzing import COUNTS, cases


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    shown = ", ".join(f"{kind} {count}" for kind, count in sorted(COUNTS.items()))
    terminalreporter.write_line(f"fuzz ({cases()} per test): CLI runs per input kind: {shown}")
