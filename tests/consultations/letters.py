"""Helpers: send a consultation by letter the way the office does, by issuing the letter drafted for it."""
from __future__ import annotations

from datetime import date

from caseapp.extensions import db
from caseapp.letters import operations as letters


def issue_consultation_letter(c, *, clerk, supervisor, on: date, method: str = "hand",
                              reference: str | None = None, today: date | None = None):
    """Submit, approve (four eyes) and issue the letter drafted for consultation `c`, delivered on
    `on` (a posted letter: its posting day); returns the letter."""
    letter = c.letter
    letters.submit_letter(letter, actor=clerk)
    letters.approve_letter(letter, actor=supervisor)
    delivery = {"method": method, "date": on.isoformat(),
                "reference": reference or ("XA123456789CN" if method == "post" else None)}
    letters.issue_letter(letter, actor=clerk, delivery=delivery, today=today or on)
    db.session.commit()
    return letter
