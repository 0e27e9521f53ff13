"""Attacks and faults: each test runs one and asserts what the user is told and
that the project is either as it was or fully changed."""
