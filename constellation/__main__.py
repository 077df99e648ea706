import sys

from constellation import cli

sys.exit(cli.main())
