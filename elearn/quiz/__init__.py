"""Quizzes: GIFT parsing, grading, attempts and their pages."""
