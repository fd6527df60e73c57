"""`python -m bot`: start the Discord bot (the same as `newsdesk run`)."""

import sys

from bot.cli import main

sys.exit(main(["run", *sys.argv[1:]]))
