"""caseapp.core.throttle: limits declared on views, counted in the configured storage."""
from __future__ import annotations

from flask import Flask

from caseapp.core.throttle import Throttle, failed


def _app(**config) -> tuple[Flask, Throttle]:
    app = Flask(__name__)
    app.config.update(RATELIMIT_STORAGE_URI="memory://", **config)
    throttle = Throttle()
    throttle.init_app(app)

    @app.route("/every", methods=["GET", "POST"])
    @throttle.limit(lambda: "3 per minute", scope="every", methods=("POST",))
    def every():
        return "ok"

    @app.post("/guess/<word>")
    @throttle.limit(lambda: "2 per minute", scope="guess", failures_only=True)
    def guess(word):
        if word != "right":
            failed()
            raise ValueError("wrong")  # a view that raises after a failure still counts
        return "ok"

    @app.errorhandler(ValueError)
    def _wrong(_err):
        return "wrong", 404

    return app, throttle


def test_a_plain_limit_counts_every_request_of_its_methods():
    app, _ = _app()
    client = app.test_client()
    assert [client.post("/every").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.post("/every")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60  # a minute's window
    assert client.get("/every").status_code == 200  # GET is not limited


def test_failures_only_counts_failed_attempts_even_when_the_view_raised():
    app, throttle = _app()
    client = app.test_client()
    assert [client.post("/guess/right").status_code for _ in range(5)] == [200] * 5
    assert [client.post("/guess/wrong").status_code for _ in range(3)] == [404, 404, 429]
    assert client.post("/guess/right").status_code == 429  # used up, even for the right word
    with app.app_context():
        throttle.reset()
    assert client.post("/guess/right").status_code == 200


def test_limits_are_per_client_address():
    app, _ = _app()
    client = app.test_client()
    for _ in range(3):
        client.post("/every", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert client.post("/every", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    assert client.post("/every", environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 200


def test_ratelimit_enabled_false_turns_every_limit_off():
    app, _ = _app(RATELIMIT_ENABLED=False)
    client = app.test_client()
    assert {client.post("/every").status_code for _ in range(6)} == {200}
