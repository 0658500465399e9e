"""Course-completion certificates: codes, the printable PDF, download and public verification.

`codes` and `pdf` are pure functions (no Flask, no database); `services` holds the rules
and `routes` the pages.
"""
