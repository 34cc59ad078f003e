"""`python -m pipeline.cli`: the same as the `minutier` command."""

from pipeline.cli import main

main()
