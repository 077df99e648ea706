"""Acceptance checks of a running constellation (CI entry: smoke.sh)."""
