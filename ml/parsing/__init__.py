"""Detect and convert the values of imported columns: dates, numbers, ratings, flags.

Detection runs in Python on a sample of values; conversion is DuckDB SQL over
whole columns (``*_sql`` functions return expressions for the importer).
"""
