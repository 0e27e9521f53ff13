"""Reusable widgets: progress of a job, tables with filter and column choice."""
