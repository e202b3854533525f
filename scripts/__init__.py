"""The spec toolchain: fetch, assemble, patch and validate the Cekura OpenAPI document."""
