"""The search page: one box across plans, activities, reports, evidence files and units."""
