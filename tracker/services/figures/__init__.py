"""A plan's figures: the facts read from the database (`facts`), computed once by
tracker.domain.plan_figures, remembered while the plan is unchanged (`remembered`), with
the names pages and documents print them with (`names`), shown on the dashboard
(`dashboard`) and given as JSON at the edge (`as_json`).
"""
