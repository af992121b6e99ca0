"""python -m course_grader ... is course-grade ..."""
import sys

from course_grader.cli import main

sys.exit(main())
