"""Administration: users, agencies, the working-day calendar."""
