"""The audit log page and the writing of audit events that outlive a rollback (issue 8)."""
