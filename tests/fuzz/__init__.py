"""Fuzzed MIDI input: a seeded builder of bad and odd files, and the tests that run the CLI over them."""
