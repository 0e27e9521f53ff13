"""The bundle's `pushwise-gui` executable (PyInstaller runs this script)."""

import sys

from app.main import main

sys.exit(main())
