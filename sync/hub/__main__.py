"""The hub's own entry point: `python -m sync.hub serve --data-dir H --port P` (same as `main.py hub ...`)."""

import sys

from main import main

if __name__ == "__main__":
    sys.exit(main(["hub", *sys.argv[1:]]))
