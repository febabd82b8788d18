"""gunicorn settings read by `make run` (gunicorn loads ./gunicorn.conf.py by default).

Each worker starts the in-process scheduler (daily sweep, outbox retries) once it has loaded the
app; CASEAPP_SCHEDULER=0 turns it off. See caseapp/jobs/scheduler.py.
"""


def post_worker_init(worker):
    """Start the scheduler in this worker process."""
    from caseapp.jobs.scheduler import start_scheduler

    start_scheduler(worker.wsgi)
