"""The scale benchmark at a tiny size: exact chunk counts, every figure printed, reuse."""

import re

import pytest
import torch

from bench import scale as scale_bench
from bot.compose import build_index
from bot.settings import Settings

CHUNKS = 2003  # not a multiple of the chunks per article, so the last article is short
NUMBER = r"[\d,]+(?:\.\d+)?"
FIGURES = {
    "chunks": rf"^chunks +keyword index ({NUMBER}), vectors ({NUMBER})$",
    "build": rf"^build time +{NUMBER} s +\(generate {NUMBER} s, keyword index {NUMBER} s, "
    rf"vectors {NUMBER} s\)$",
    "disk": rf"^disk +{NUMBER} GiB",
    "search": rf"^search +p50 +{NUMBER} ms +p95 +{NUMBER} ms .*goal p50 <= 150 ms: (met|MISSED)$",
    "ask": rf"^ask +p50 +{NUMBER} ms +p95 +{NUMBER} ms .*goal p50 <= 250 ms: (met|MISSED)$",
    "memory": rf"^peak RSS +(build|open) {NUMBER} GiB, whole run {NUMBER} GiB +goal <= 8 GiB: ",
    # search embeds the question; ask also embeds the sentences it compares with it
    "profile": rf"^ +embedding \(model\) +1\.0 x +{NUMBER} = +{NUMBER} ms +2\.0 x ",
}


@pytest.fixture
def one_torch_thread():
    """Embed on one thread: on a busy two-core machine, two threads wait on each other."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run(capsys, *args: str) -> str:
    """The benchmark's printed report for these options."""
    assert scale_bench.main(["--chunks", str(CHUNKS), "--questions", "3", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.usefixtures("one_torch_thread")
def test_builds_exactly_n_chunks_prints_every_figure_then_reuses(tmp_path, capsys):
    """Both stores hold exactly N chunks, every figure is printed, and a second run reuses them."""
    out = run(capsys, "--dir", str(tmp_path))
    for name, pattern in FIGURES.items():
        assert re.search(pattern, out, re.M), f"no {name} figure in:\n{out}"
    chunks = re.search(FIGURES["chunks"], out, re.M).groups()
    assert chunks == (f"{CHUNKS:,}", f"{CHUNKS:,}")
    index = build_index(Settings(data_dir=tmp_path))
    assert index.keyword.counts()["chunks"] == CHUNKS == index.vectors.count()
    assert index.keyword.counts()["pending"] == 0

    again = run(capsys, "--dir", str(tmp_path))
    assert "reused from an earlier run" in again
    assert re.search(FIGURES["build"], again, re.M)
