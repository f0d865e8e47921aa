"""Rules for Russian text."""
