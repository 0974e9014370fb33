"""Cabinet's benchmark suite: the budgets of DESIGN.md section 6, measured on a real vault.

Benchmarks inform, they never gate: timed assertions in unit tests are flaky on shared
machines, so timings live here, are written to a JSON file and compared with a committed
baseline by a person. Run with ``uv run python -m benchmarks --scale small``.
"""
