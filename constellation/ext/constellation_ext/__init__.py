"""Glue the constellation installs into its services venv."""
