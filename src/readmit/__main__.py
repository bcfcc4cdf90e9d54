"""``python -m readmit``: the command line."""
import sys

from readmit.cli import main

sys.exit(main())
