"""`python -m gpudb`: the same command line as the `gpudb` console script."""

from gpudb.cli import main

if __name__ == "__main__":
    main()
