"""nbgrader pieces for this course's grading pipeline (used by nbgrader_config.py).

Not imported by ``import course_lib``: it needs nbgrader, which notebooks don't.
"""

from nbgrader.converters import Autograde
from nbgrader.preprocessors import DeduplicateIds

__all__ = ["RemoveDuplicateIds", "nbgrader_sanitize_steps", "sanitize_steps"]


class RemoveDuplicateIds(DeduplicateIds):
    """nbgrader's DeduplicateIds, leaving the copies as ordinary cells.

    A student who copies a graded cell duplicates its grade_id.  nbgrader keeps
    the last copy and sets the others' metadata to ``nbgrader: {}``; with
    ``OverwriteCells.add_missing_cells`` on (as here), nbgrader 0.9.6 then
    fails the whole submission with ``KeyError: 'grade_id'`` (nbgrader issue
    #1083).  Removing the emptied key instead lets the submission be graded;
    the warning "Cell with id ... exists multiple times!" still tells the TA.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.metadata.get("nbgrader") == {}:
            del cell.metadata["nbgrader"]
        return cell, resources


def nbgrader_sanitize_steps():
    """nbgrader's own default ``Autograde.sanitize_preprocessors``."""
    return Autograde.class_traits()["sanitize_preprocessors"].default()


def sanitize_steps():
    """nbgrader's default sanitize steps with DeduplicateIds replaced, nothing else changed."""
    return [RemoveDuplicateIds if step is DeduplicateIds else step
            for step in nbgrader_sanitize_steps()]
