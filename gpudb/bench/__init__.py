"""`gpudb bench`: measure what a GPU delivers and store it beside the published figures.

timing, kernels and device need only PyTorch and the standard library (they run on a bare GPU host);
runner ties them to the database: which chip this is, what to measure, and the measurement file.
Nothing here is imported by `import gpudb`.
"""
