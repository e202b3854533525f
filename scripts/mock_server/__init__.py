"""A fake Cekura API built from the patched OpenAPI document, and the request checks it shares with tests.

`python -m scripts.mock_server` (or `nox -s mock`) serves it on loopback: every operation of the
document answers with populated, schema-valid data, after checking the API key and the request as the
spec says. Objects live in memory per resource (created, changed and deleted through the API), lists
page the DRF way, started runs complete over time, and faults come on demand. `pytest_plugin` serves
it to a test session.
"""
