"""`nox -s patch`: overlays and normalizers that repair the upstream document, and its checks."""
