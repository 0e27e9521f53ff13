"""Campaigns: push lists frozen when they were sent, with a control group, and
what they did (predicted versus actual uptake, extra uptake over control)."""
