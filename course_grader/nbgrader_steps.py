"""nbgrader steps the course swaps into nbgrader's own lists (nbgrader_config.py
and course-grade both use them)."""

import json

from nbgrader.converters import Autograde
from nbgrader.preprocessors import (
    DeduplicateIds,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
)

__all__ = ["OverwriteCellsFromSpec", "OverwriteKernelspecFromSpec", "RemoveDuplicateIds",
           "nbgrader_sanitize_steps", "sanitize_steps", "worker_sanitize_steps"]


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


class FromSpec:
    """Mixin: answer a step's gradebook queries from the AssignmentSpec in
    ``resources["course_grader"]`` instead of opening the gradebook."""

    @staticmethod
    def book(resources):
        from course_grader.assignment import SpecBook

        return SpecBook(resources["course_grader"]["spec"])


class OverwriteCellsFromSpec(FromSpec, OverwriteCells):
    """nbgrader's OverwriteCells (restores locked cells, points, cell types,
    re-adds deleted grade cells), with two changes:

    - the cells come from the spec, not the gradebook;
    - a locked cell counts as edited only when it differs from the *student
      version* (nbgrader compares with the source version, which holds the
      hidden tests, and so warns about every test cell: nbgrader#1961).
      Real edits are collected in ``resources["course_grader"]["edited"]``.
    """

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = self.book(resources)
        self._release = {c.metadata["nbgrader"]["grade_id"]: c
                         for c in resources["course_grader"]["release"].cells
                         if "grade_id" in c.metadata.get("nbgrader", {})}
        self._edited = resources["course_grader"].setdefault("edited", [])
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        released = self._release.get(grade_id)
        if (released is not None and released.metadata["nbgrader"].get("locked")
                and cell.source != released.source):
            self._edited.append(grade_id)
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr != "checksum":  # checksum: see preprocess_cell
            super().report_change(name, attr, old, new)


class OverwriteKernelspecFromSpec(FromSpec, OverwriteKernelspec):
    """nbgrader's OverwriteKernelspec, the kernelspec read from the spec."""

    def preprocess(self, nb, resources):
        kernelspec = self.book(resources).find_notebook(resources["nbgrader"]["notebook"], None)
        if kernelspec.kernelspec:
            nb.metadata["kernelspec"] = json.loads(kernelspec.kernelspec)
        return nb, resources


def worker_sanitize_steps():
    """The course's sanitize steps for course-grade's workers: every step that
    would open the gradebook answers from the spec instead."""
    swap = {OverwriteCells: OverwriteCellsFromSpec, OverwriteKernelspec: OverwriteKernelspecFromSpec}
    return [swap.get(step, step) for step in sanitize_steps()]
