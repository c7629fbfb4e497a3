"""Reminders (nhắc việc) and notices, from the decision to the e-mail:

- `decisions`: what each unit owes, and whom to notify on which day (domain.reminders);
- `settings`: each plan's rules, the days off and make-up days, e-mail preferences;
- `messages`: the words of each reminder and digest; `notices`: of what happened to a
  report (sent, reviewed), written with the change;
- `rows`: one outbox row, rendered once; `outbox`: the tick that writes and cancels rows,
  the inbox; `mailer`: SMTP, each row at most once."""
