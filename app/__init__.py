"""Pushwise desktop GUI (PySide6). Imports `ml`; `ml` never imports this."""
