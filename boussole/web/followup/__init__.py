"""The five-year follow-up of a case in service: plan, reviews, events, reminders (issue 13)."""
