"""Consultations (SPEC §5): departments of the agency, other agencies and third parties.

Models in `models`, writes in `operations` (one audit event each), reads in `queries`, the office
pages in `views` (liaison inbox, answer pages, the case panel), the staff API in `api`, and the
deadlines the daily sweep runs in `deadlines`. Notifications and the applicant's e-mails are
caseapp.notifications.
"""
