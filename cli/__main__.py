"""`python -m cli`: the same as the `minutier` command."""

from cli import main

main()
