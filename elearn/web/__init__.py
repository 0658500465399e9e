"""Web helpers: forms, templating, error pages, headers, language."""
