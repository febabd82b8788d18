"""A bare Flask app with one `jsonify` endpoint: the framework's own speed under the same gunicorn
settings, the yardstick `bench.bench_http` compares the public tracking lookup against."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    """A small JSON answer, about the size of a tracking lookup's status line."""
    return jsonify(status="in_progress", tracking_number="SFJY-2026-000001", due_on="2026-12-15")
