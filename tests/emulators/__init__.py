"""Device emulators for tests: realistic identity answers on loopback addresses."""
