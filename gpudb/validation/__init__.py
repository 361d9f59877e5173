"""Validation: data/ files → records → problems. The one place that knows data/'s folders (run.py)."""
