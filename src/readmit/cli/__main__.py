"""``python -m readmit.cli`` (same as ``python -m readmit``)."""
import sys

from readmit.cli import main

sys.exit(main())
