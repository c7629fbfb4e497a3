"""Entry point for `flask --app wsgi …` and for WSGI servers (gunicorn wsgi:app)."""

import gc

from tracker import create_app

app = create_app()
# What start-up made lives as long as the process: keep it out of the cyclic garbage
# collector's scans, so a request that builds thousands of rows does not pause for a
# full collection of the whole application (measured: 100 ms spikes on the dashboard).
gc.freeze()
