"""Exported status summaries (issue 7): `report` builds one `ReportData` from the database
in a single read and hands it to the writers in tracker.exporters (Word, Excel, CSV, JSON
snapshot); `figures` takes its figure lines, the provincial form's rows and the accepted
reports from the plan's one figures computation (services.figures)."""
