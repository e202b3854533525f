"""`nox -s generate`: the client from the patched document, its fingerprint, its Python names."""
