"""Load the heavy modules in the background once the window is shown.

The window opens without scikit-learn, SciPy or PyArrow's compute functions
(start-up stays under 2 s). Loading them later, inside the first job, would
hold the interpreter for up to a few hundred milliseconds of compiled
initialisation code and the window would stutter; loading them one by one on
a background thread right after start-up keeps each pause short and leaves the
first import, training or plan with nothing to load.

Once they are loaded, everything alive is moved out of the garbage
collector's sight (gc.freeze): the ~200,000 objects of the libraries' modules
would otherwise be traversed by every full collection, an ~80 ms pause of
all threads, the window's included, that the allocation-heavy training
triggers again and again.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import threading

# What the jobs need, roughly in the order the workflow needs it.
HEAVY_MODULES = (
    "pyarrow.compute",
    "ml.workflows.imports",
    "scipy.sparse",
    "sklearn.ensemble",
    "ml.store.savedmodels",
    "ml.workflows.train",
    "ml.workflows.plan",
    "ml.demand.gbm",
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
