"""python -m gpudb: the command line."""

from gpudb.cli import main

main()
