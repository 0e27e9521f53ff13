"""Load the modules the window's own jobs need in the background once the
window is shown.

The window opens without PyArrow's compute functions, the file readers of
the import wizard, the saved models' store, the types the workers send back
or the Excel writer. Loading them
later, inside the first job that needs them, would hold the interpreter for
up to a few hundred milliseconds of compiled initialisation code and the
window would stutter; loading them one by one on a background thread right
after start-up keeps each pause short. The engine's models (scikit-learn,
SciPy) are never loaded here: training, the check, imports and the push
plan's scoring run in worker processes. Last, on Linux, the process the
workers are copied from is started: it loads the engine in its own process,
and the first Train or push plan then starts at once.

Once they are loaded, everything alive is moved out of the garbage
collector's sight (gc.freeze): the libraries' module objects would otherwise
be traversed by every full collection, a pause of all threads, the window's
included.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import threading

from ml.workerprocess import start_server

# What the window's own jobs need, roughly in the order a user needs it: the
# wizard's preview, the saved model's description, what the workers send back
# (model card, push plan, backtest charts), the Excel export.
HEAVY_MODULES = (
    "pyarrow.compute",
    "ml.workflows.imports",
    "ml.workflows.saved",
    "ml.workflows.results",
    "ml.plan.pushplan",
    "ml.backtest.charts",
    "openpyxl",
)


def start_warm_up() -> threading.Thread:
    """Import HEAVY_MODULES on a daemon thread; returns the thread."""
    thread = threading.Thread(target=_import_all, name="pushwise-warm-up", daemon=True)
    thread.start()
    return thread


def _import_all() -> None:
    # Loading creates the objects that full collections would go through again
    # and again while they load: collect once at the end instead.
    gc.disable()
    try:
        for name in HEAVY_MODULES:
            importlib.import_module(name)
    except Exception:  # the job that needs the module will say why
        return
    finally:
        gc.enable()
    gc.freeze()
    # At exit the objects must be collectable again, or the libraries that
    # count their objects report them as leaked.
    atexit.register(gc.unfreeze)
    start_server()
