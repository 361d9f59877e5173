"""Plots: frames in, plotly Figures out (figures.py, style.py); database → frames (frames.py); files (files.py)."""
