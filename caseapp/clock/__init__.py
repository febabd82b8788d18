"""The deadline clock (SPEC §4): due dates, pauses, extensions and warning states."""
