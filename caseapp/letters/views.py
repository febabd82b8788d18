"""Office pages for letters."""
from flask import Blueprint

bp = Blueprint("letters", __name__, url_prefix="/office/letters")
