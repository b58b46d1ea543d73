"""`python -m heatmap_core key=value ...` is the `heatmap` command."""

import sys

from heatmap_core.cli import main

sys.exit(main())
