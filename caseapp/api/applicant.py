"""The applicant object of the public and the staff API (DESIGN §5), read in one place."""
from __future__ import annotations

# The API's names of the applicant's fields -> the names validate_request() uses.
APPLICANT_FIELDS = {
    "type": "applicant_type", "name": "applicant_name", "id_type": "id_type", "id_number": "id_number",
    "org_code": "org_code", "contact_person": "contact_person", "phone": "phone", "email": "email",
    "address": "address", "postal_code": "postal_code",
}
CREDIT_CODE_ID_TYPE = "uscc"  # an organisation's unified social credit code, given in id_number


def read_applicant(applicant: dict) -> tuple[dict, dict[str, str]]:
    """validate_request()'s applicant fields from the API's applicant object, and the API name of
    each field (for error messages). DESIGN §5 names one identity field: an organisation gives its
    unified social credit code as `id_type: "uscc"` with `id_number`; `org_code` stays an alias."""
    data = {field: applicant.get(key) for key, field in APPLICANT_FIELDS.items()}
    names = {field: f"applicant.{key}" for key, field in APPLICANT_FIELDS.items()}
    if data.get("id_type") == CREDIT_CODE_ID_TYPE and not data.get("org_code"):
        data["org_code"], data["id_number"] = data.get("id_number"), None
        names["org_code"] = "applicant.id_number"  # a wrong code is reported where it was sent
    return data, names
