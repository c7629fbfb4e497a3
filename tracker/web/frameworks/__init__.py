"""Index frameworks (bộ chỉ số): the list every role reads, adding one, and choosing a
plan's."""
