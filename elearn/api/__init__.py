"""JSON API v1: the same services as the web pages, with bearer tokens."""
