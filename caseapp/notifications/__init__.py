"""Notifications (SPEC §4, §5): the staff's in-app notifications and the applicant's e-mails.

The domains and the jobs queue them through core's outbox (`notify`, `queue_email`) in their own
transaction; this package holds what reads and answers them: the office's notifications page and
bell (`views`), the staff API (`api`), the reads and the "mark as read" writes (`queries`,
`operations`), and the subscribers that write the applicant's e-mails on audit events (`applicant`).
"""
