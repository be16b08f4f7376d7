"""Benchmarks. `python -m bench` lists and runs them; results go to docs/benchmarks.md."""
