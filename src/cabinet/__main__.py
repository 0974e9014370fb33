"""`python -m cabinet` runs the `cabinet` command."""

import sys

from cabinet.cli import main

sys.exit(main())
