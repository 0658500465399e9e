"""Learning: enrolment, lessons, completion and the "My learning" dashboard."""
