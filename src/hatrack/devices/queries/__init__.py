"""Reads that the devices pages and the API share (no writes: those are in services)."""
