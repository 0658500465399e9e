"""Home page, language switch, health check and error pages."""
