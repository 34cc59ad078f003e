"""Prefect flows: thin shells over the `pipeline` library. Import `flows.environment` first."""
