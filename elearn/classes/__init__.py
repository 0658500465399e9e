"""Training classes ("lớp tập huấn"): blended cohorts of learners with courses, a timetable
of sessions, attendance, announcements and a class completion rule.

- models: the tables;
- access: who may see and manage which class;
- membership: adding and removing learners (enrolling them in the class's courses);
- rules: each member's standing (progress, attendance) and the class completion rule.
"""
