"""Benchmarks, run from the repository (`make bench`, `make bench-scale`); never installed."""
