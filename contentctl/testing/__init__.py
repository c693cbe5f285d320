"""Hooks that exist only for the tests: crash points and scaled waits."""
