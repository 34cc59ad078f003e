"""The service around the pipeline: clients, watched folders, delivery, ledgers, retention and their settings."""
