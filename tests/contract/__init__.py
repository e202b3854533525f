"""Contract tests: the generated client and the mock server against the patched OpenAPI document."""
