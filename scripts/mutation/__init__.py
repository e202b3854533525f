"""`nox -s mutants`: mutation testing of the client runtime and the toolchain's guards."""
