"""Pushwise desktop GUI (PySide6). Imports `ml`; `ml` never imports this."""

import os

# Leave one core to the window: the models' OpenMP threads (read once, when
# scikit-learn's OpenMP runtime loads) would otherwise take every core and the
# GUI thread would wait for the CPU while a model trains. A value the user set
# is kept.
os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 2) - 1)))
