"""`nox -s fetch`: what to fetch (`spec/sources.yaml`), fetching it, the lock, the docs pages."""
