"""Shared helpers with no web dependency: database, time, text, errors, mail."""
