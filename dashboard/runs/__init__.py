"""Saved runs: a result's view, a run's own dashboard, the list and the comparison."""
