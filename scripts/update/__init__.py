"""`nox -s update`: accept a new upstream, compare it with the locked one, write the changelog."""
