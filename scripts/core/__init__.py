"""The layer every other one stands on: paths, errors, JSON and YAML IO, the OpenAPI document helper."""
