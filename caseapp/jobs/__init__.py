"""Jobs that act across the domains: the daily sweep, due-date reminders, supervision orders and the
in-process scheduler that runs them. They sit above the domain packages (cases, letters, fees,
consultations, disclosure) and call their operations; no domain imports from here."""
