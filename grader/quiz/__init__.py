"""Quizzes: a question bank, a personal sheet per student, answers files graded automatically."""
