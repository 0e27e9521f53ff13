"""The bundle's `pushwise` executable (PyInstaller runs this script)."""

import sys

from ml.cli import main

sys.exit(main())
