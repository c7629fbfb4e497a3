"""Entry point for `flask --app wsgi …` and for WSGI servers (gunicorn wsgi:app)."""

from tracker import create_app

app = create_app()
