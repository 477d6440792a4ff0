"""The reference solutions of the `grade` exercises.

Each module mirrors a stub in `exercises/`: same file name, same function names. The grader imports
this package to compute expected values, and `grade submit reference/` grades it as a submission.
"""
