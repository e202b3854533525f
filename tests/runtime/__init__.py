"""Tests of the client runtime (entry point, retries, errors, pagination, key safety) on loopback."""
