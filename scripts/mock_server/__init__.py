"""A fake Cekura API built from the patched OpenAPI document, and the request checks it shares with tests.

`python -m scripts.mock_server` (or `nox -s mock`) serves it on loopback: every operation of the
document answers with schema-valid data, after checking the API key and the request as the spec says.
"""
