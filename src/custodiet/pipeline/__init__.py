"""Wiring: the only place (with the CLI) where several stages meet."""
