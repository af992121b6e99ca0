"""nbgrader configuration for the course (run nbgrader from this folder).

solutions/<assignment>/<assignment>.ipynb is the source (with solutions and
hidden tests); `nbgrader generate_assignment` writes the student version to
notebooks/<assignment>/<assignment>.ipynb.
"""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from course_grader.nbgrader_steps import sanitize_steps

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "backprop"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# A cell that runs longer than this is interrupted and scores 0; the rest of
# the notebook is still graded.  Every solution cell runs in well under 1 s.
c.Execute.timeout = 30

# A student who deletes a test cell gets it back (and graded), instead of
# a cell that silently needs manual grading.
c.OverwriteCells.add_missing_cells = True

# nbgrader's default list, with DeduplicateIds replaced: a student who
# copy-pasted a graded cell is graded instead of failing whole (see
# course_grader/nbgrader_steps.py).
c.Autograde.sanitize_preprocessors = sanitize_steps()

# Feedback must not show hidden tests (nbgrader shows them by default).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
