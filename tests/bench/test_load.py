"""The load benchmark runs end to end: `python -m bench.load` with a few members."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.paths import ROOT


def test_load_bench_answers_every_ask_and_reports_figures():
    """`python -m bench.load --asks 10` answers all, validly, and reports sound figures."""
    run = subprocess.run(
        [sys.executable, "-m", "bench.load", "--asks", "10", "--validate", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["asks"] == figures["answered"] == 10
    assert figures["validated"] is True
    assert figures["rejected_requests"] == figures["late_deferrals"] == 0
    assert figures["missed_heartbeats"] == 0
    assert 0 < figures["p50_s"] <= figures["p95_s"] <= figures["max_s"] <= figures["elapsed_s"]
    assert figures["answers_per_s"] > 0
