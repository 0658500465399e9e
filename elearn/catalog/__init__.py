"""The course catalogue and course pages."""
