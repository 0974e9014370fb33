"""Synthetic French patients for demonstrations and benchmarks; never real data."""
