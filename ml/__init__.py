"""Pushwise engine: import, store, models and push plans. Never imports Qt."""

__version__ = "0.1.0"
