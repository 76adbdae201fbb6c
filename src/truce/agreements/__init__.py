"""Bundled agreement definitions (``NAME.yaml``) and their event logs (``NAME.events.yaml``)."""
