"""The trainer studio: course staff, drafts, and editing courses in the browser.

Every edit goes to the course's draft revision (`drafts.ensure_draft`), made on the first
edit after a publish by cloning the published revision; `drafts.publish_draft` checks the
draft with the package validator of `flask courses validate` and publishes it. Who may
edit what is decided in `permissions`; the outline (settings, sections, lessons, quizzes)
is edited through `outline`, lesson texts through `lessons` (versions, optimistic locking,
history), course staff through `staff`.
"""
