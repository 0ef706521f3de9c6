import sys

from boussole.cli import main

sys.exit(main())
