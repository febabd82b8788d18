"""The deadline clock (SPEC §4): the pure rules (`rules`) and the due-date service (`service`), below
cases. What moves clocks forward every day (the sweep, reminders, supervision orders) is `caseapp.jobs`."""
