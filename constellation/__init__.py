"""The local constellation: real OpenStack services on one machine."""
