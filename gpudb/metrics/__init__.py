"""Metrics: the stored catalogue (key, unit, bounds) and the derived metrics computed from it, with their working."""
