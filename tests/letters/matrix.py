"""The letters' rows of the office access matrix that need records made for them (tests/test_access_matrix.py)."""
from __future__ import annotations


def enclosure_target(world):
    """A draft reply of agency A enclosing a release version (made once per world): the approver opens it."""
    if "enclosure_url" not in world["args"]:
        from caseapp.cases.attachments import Upload
        from caseapp.letters import operations as letter_ops
        from caseapp.records import operations as record_ops
        from tests.records.pdfs import text_pdf

        clerk = world["users"][("a", "clerk")]
        case = world["case"]
        original = record_ops.add_record(case, Upload("说明.pdf", text_pdf([["情况说明"]])), title="情况说明",
                                         actor=clerk)
        version = record_ops.release_as_is(case, original, actor=clerk)
        letter = letter_ops.draft_letter(case, actor=clerk, template="disclosed", enclosures=[version.id])
        world["args"]["enclosure_url"] = f"/office/letters/{letter.id}/enclosures/{version.id}"
    return world["args"]["enclosure_url"], {}


LETTERS_TARGETS = {"letters.enclosure_file": enclosure_target}
