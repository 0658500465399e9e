"""Domain events: how features react to each other without importing each other in a circle.

Signals are sent inside the unit of work of the change, and their receivers run in the
same transaction (blinker is synchronous), so a reaction is kept exactly when the change
is. The chain today:

    lesson_completed ─┐
    attempt_graded  ──┴─> learn: progress figures and the completion rule
                              └─> course_completed ─> certificates: issue the certificate
                                                   └─> classes: the class completion rule
                                                        └─> class_completed ─> certificates
    revision_published ─> learn: refresh enrolments' figures (a background job)

Receivers are connected when their feature's `events` module is imported (the app
factory imports them all).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender: the Lesson key id; kwargs: user_id, course_id
lesson_completed = _signals.signal("lesson-completed")
#: sender: the QuizAttempt; kwargs: user_id, course_id, quiz_id, passed_before, passed_now
attempt_graded = _signals.signal("attempt-graded")
#: sender: the Enrollment; kwargs: user_id, course_id, completed_at
course_completed = _signals.signal("course-completed")
#: sender: the CourseRevision; kwargs: course_id, revision_id
revision_published = _signals.signal("revision-published")
#: sender: the TrainingClass; kwargs: user_id, class_id, met_at
class_completed = _signals.signal("class-completed")
