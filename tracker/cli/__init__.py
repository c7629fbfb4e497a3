"""Command line: `flask --app wsgi <command>`. Each command commits exactly once."""

from __future__ import annotations

from flask import Flask

from tracker.cli import annex, backup, calendar, figures, frameworks, jobs, localities


def init_app(app: Flask) -> None:
    for command in (
        annex.seed_command,
        frameworks.frameworks_group,
        annex.import_annex_command,
        annex.import_progress_command,
        figures.summary_command,
        figures.export_command,
        figures.import_snapshot_command,
        jobs.scheduler_command,
        jobs.run_job_command,
        jobs.reminders_group,
        calendar.calendar_url_command,
        backup.backup_command,
        backup.restore_command,
        localities.locality_group,
    ):
        app.cli.add_command(command)
