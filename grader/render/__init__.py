"""Views of results: they read a SubmissionResult and never change it."""
