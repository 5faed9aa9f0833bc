"""``python -m reverie.cli``: how the capture hook starts background work without a console script."""

from reverie.cli import main

main()
