"""grade: a grader for first neural-network exercises in NumPy."""

__version__ = "0.1.0"
