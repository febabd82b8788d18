"""Proactive disclosure of requested information (Reg. 44): information items, similar requests,
frequently requested candidates, conversion to public entries with a redaction check, the public
column "依申请公开转主动公开" and applicants' suggestions."""
