"""`nox -s vendor` and `nox -s build`: the client copied into another repository, or packaged."""
