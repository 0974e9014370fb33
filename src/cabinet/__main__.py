"""`python -m cabinet` runs the `cabinet` command, behind the integrity guard."""

import sys

from cabinet.launcher import main

sys.exit(main())
