"""Use cases. Each loads models, calls the domain, writes and flushes — never commits:
the request, CLI command or scheduler job that called it commits once."""
