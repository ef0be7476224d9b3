"""``python -m autograder.isolate [--require auto|bwrap|unshare|rlimits]``: which sandbox works on this host."""

import sys

from .backends import main

sys.exit(main())
