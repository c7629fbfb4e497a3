"""Entry point for `flask --app wsgi …` and for WSGI servers (gunicorn wsgi:app)."""

from tracker import create_app, settle_worker

app = create_app()
settle_worker()
