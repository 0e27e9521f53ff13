"""The bundle's `pushwise-gui` executable (PyInstaller runs this script)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # A worker process (or, on Linux, the server the workers are copied from;
    # ml.workerprocess) starts this same executable: it
    # runs its job here and never opens a window.
    multiprocessing.freeze_support()
    from app.main import main

    sys.exit(main())
