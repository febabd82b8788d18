"""Reads of reviews for the other packages: the case page and API, the inbox, the jobs and Table 4."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.letters.models import Letter
from caseapp.letters.queries import letters_of_case
from caseapp.letters.rendering import load_spec
from caseapp.letters.states import LetterStatus
from caseapp.reviews.models import CaseReview


def reviews_of(case: Case) -> list[CaseReview]:
    """The case's reconsiderations and lawsuits, oldest first."""
    return list(db.session.scalars(
        sa.select(CaseReview).where(CaseReview.case_id == case.id).order_by(CaseReview.filed_on, CaseReview.id)
    ))


def get_review(review_id: int) -> CaseReview | None:
    """A review by id, or None."""
    return db.session.get(CaseReview, review_id)


def issued_reply(case: Case) -> Letter | None:
    """The case's latest issued reply to the applicant (a letter of a reply template), or None."""
    replies = [letter for letter in letters_of_case(case)
               if letter.status == LetterStatus.ISSUED and load_spec(letter.template).kind == "reply"]
    return replies[-1] if replies else None


def review_json(review: CaseReview) -> dict:
    """A review as the staff API lists it on its case."""
    def iso(d):
        return d.isoformat() if d else None

    return {"review_id": review.id, "kind": review.kind, "body": review.body, "reference": review.reference,
            "filed_on": iso(review.filed_on), "copy_received_on": iso(review.copy_received_on),
            "answer_due_on": iso(review.answer_due_on), "answer_submitted_on": iso(review.answer_submitted_on),
            "answer_late": review.answer_late, "result": review.result, "decided_on": iso(review.decided_on),
            "reopened_case": review.reopened_case}


def reviews_by_case(case_ids) -> dict[int, list[CaseReview]]:
    """case id -> its reconsiderations and lawsuits, oldest first (one statement for a page of cases)."""
    out: dict[int, list[CaseReview]] = {i: [] for i in case_ids}
    if out:
        for r in db.session.scalars(sa.select(CaseReview).where(CaseReview.case_id.in_(out))
                                    .order_by(CaseReview.filed_on, CaseReview.id)):
            out[r.case_id].append(r)
    return out


def reviews_json(case: Case, reviews: list[CaseReview] | None = None) -> list[dict]:
    """The case's reviews for the staff API (`reviews[]`); `reviews`: already loaded by `reviews_by_case`."""
    return [review_json(r) for r in (reviews_of(case) if reviews is None else reviews)]


def open_answers(agency_id: int | None, limit: int = 10) -> list[tuple[str, str, date]]:
    """For the inbox (one query): (tracking number, kind, answer due date) of the reviews still
    awaiting their answer, nearest due date first; every agency's when agency_id is None."""
    q = (sa.select(Case.tracking_number, CaseReview.kind, CaseReview.answer_due_on)
         .join(Case, Case.id == CaseReview.case_id)
         .where(CaseReview.answer_submitted_on.is_(None), CaseReview.answer_due_on.is_not(None))
         .order_by(CaseReview.answer_due_on, CaseReview.id).limit(limit))
    if agency_id is not None:
        q = q.where(CaseReview.agency_id == agency_id)
    return [tuple(row) for row in db.session.execute(q).all()]


def unanswered_reviews(due_by: date) -> list[CaseReview]:
    """Reviews awaiting their answer whose due date is on or before `due_by` (the sweep's reminders)."""
    return list(db.session.scalars(
        sa.select(CaseReview).where(CaseReview.answer_submitted_on.is_(None), CaseReview.answer_due_on.is_not(None),
                                    CaseReview.answer_due_on <= due_by)
        .order_by(CaseReview.agency_id, CaseReview.id)))


def table4_rows(start: date, end: date, agency_id: int | None) -> list[tuple[str, str, int]]:
    """(kind, result, count) of the reviews filed from start to end, each with its result as known on
    `end` (a decision dated later counts as pending), for Table 4 of the annual report."""
    result = sa.case((sa.and_(CaseReview.decided_on.is_not(None), CaseReview.decided_on <= end), CaseReview.result),
                     else_=sa.literal("pending"))
    q = sa.select(CaseReview.kind, result, sa.func.count()).where(CaseReview.filed_on.between(start, end))
    if agency_id is not None:
        q = q.where(CaseReview.agency_id == agency_id)
    return [tuple(row) for row in db.session.execute(q.group_by(CaseReview.kind, result)).all()]


def late_answer_count(start: date, end: date, agency_id: int | None) -> int:
    """Answers submitted from start to end after their due date (the statistics' late answers)."""
    q = sa.select(sa.func.count()).where(CaseReview.answer_submitted_on.between(start, end),
                                         CaseReview.answer_submitted_on > CaseReview.answer_due_on)
    if agency_id is not None:
        q = q.where(CaseReview.agency_id == agency_id)
    return db.session.scalar(q) or 0
