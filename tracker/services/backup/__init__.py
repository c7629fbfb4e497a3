"""Backup and restore of a whole instance (`flask backup`, `flask restore`):

- `instance`: one .tar.gz holding the database, every evidence file and a manifest, made
  while the app runs and restored into a stopped one;
- `bundle`: the file itself — manifest first, every member's SHA-256 checked on reading;
- `database`: the database half — a consistent SQLite copy or a pg_dump, verified back in."""
