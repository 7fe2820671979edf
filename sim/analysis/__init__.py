"""L1 analysis: pure functions over arrays and tidy frames (no SimPy)."""
