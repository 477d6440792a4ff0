"""`python -m grader` runs the same CLI as the `grade` command."""
from grader.early import main

main()
