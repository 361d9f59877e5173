"""Storage: the tables, the engines, the atomic build and the one read seam (SQL → Python and pandas)."""
