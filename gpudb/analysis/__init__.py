"""Analysis: comparisons, claims, export controls, explanations, completeness, devices, measurements."""
