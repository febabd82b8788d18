"""Working-day calendar: pure rules, library sources, stored years and admin import/export."""
