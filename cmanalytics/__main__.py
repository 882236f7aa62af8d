import sys

from cmanalytics.cli import main

sys.exit(main())
