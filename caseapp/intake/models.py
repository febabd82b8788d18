"""Public-portal records: proactive-disclosure suggestions (Reg. 44)."""
