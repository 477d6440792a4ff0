"""Student kits of a course pack: `grade course build` and grading from frozen data.

- build.py: the student kit and the grading kit; stubs.py: stubs made from a reference; toml_write.py: the
  TOML the kits' files are written in (the quiz bank without answers is grader/quiz/kit.py's);
- freeze.py: what the reference and the mistake models computed, written as data when a kit is built;
- frozen.py: that data read back (and checked) when grading with a kit: grader/cases.py, grader/diagnose.py
  and grader/isolate.py ask it instead of running solution code.
"""
