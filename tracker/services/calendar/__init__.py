"""Calendar subscriptions (iCalendar) of deadlines: `feeds` serves a unit's or a plan's
feed with its ETag and kept body, `kept` keeps the events between requests and brings them
up to date from the change logs, `events` and `plan` build them (domain.calendar writes
them), `queries` reads their rows, and `links` issues, renames and revokes the secret
subscription links.
"""
