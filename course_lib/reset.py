"""A fresh start for one exercise, or a whole notebook, of your own work.

    make reset NB=01_gradients EX=softmax   # one exercise: its answer cell and test cell
    make reset NB=01_gradients              # the whole notebook

(or ``python -m course_lib.reset 01_gradients softmax``).  The fresh cells
come from ``notebooks/`` (the student versions); your file in ``my_work/``
keeps every other cell as it is.  Nothing is lost: the file as it was before
is kept next to it as ``01_gradients.before-reset-1.ipynb`` (then -2, -3, ...).

Close the notebook in JupyterLab first, or, if it is open, use
File > Reload Notebook from Disk right after: saving the open notebook
again would write the old version back.
"""

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

__all__ = ["ResetError", "reset"]


class ResetError(Exception):
    """The notebook or exercise to reset does not exist."""


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _fresh_cell(cell):
    cell = nbformat.from_dict(cell)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell


def _backup(path):
    k = 1
    while (backup := path.with_name(f"{path.stem}.before-reset-{k}.ipynb")).exists():
        k += 1
    shutil.copy2(path, backup)
    return backup


def _reset_exercise(mine, fresh, exercise):
    ids = [_grade_id(c) for c in fresh.cells]
    exercises = [i for i, c in zip(ids, fresh.cells)
                 if i and c.metadata["nbgrader"].get("solution")]
    if exercise not in exercises:
        raise ResetError(f"{exercise!r} is not an exercise of this notebook; "
                         f"its exercises are: {', '.join(exercises)}")
    for grade_id in (exercise, f"{exercise}_test"):
        if grade_id not in ids:
            continue
        new = _fresh_cell(fresh.cells[ids.index(grade_id)])
        mine_ids = [_grade_id(c) for c in mine.cells]
        if grade_id in mine_ids:
            mine.cells[mine_ids.index(grade_id)] = new
        else:  # deleted: back in after the nearest earlier cell that is still there
            mine_cells = [c.get("id") for c in mine.cells]
            earlier = [c.get("id") for c in fresh.cells[:ids.index(grade_id)]]
            anchor = next((mine_cells.index(i) for i in reversed(earlier) if i in mine_cells),
                          -1)
            mine.cells.insert(anchor + 1, new)


def reset(notebook, exercise=None, work="my_work", fresh="notebooks"):
    """Reset ``exercise`` (a grade id such as "softmax") of ``notebook``, or all of it.

    Returns the path of the backup of the file as it was.
    """
    name = Path(notebook).stem
    mine_path = Path(work) / name / f"{name}.ipynb"
    fresh_path = Path(fresh) / name / f"{name}.ipynb"
    if not fresh_path.is_file():
        raise ResetError(f"there is no notebook {fresh_path}")
    if not mine_path.is_file():
        raise ResetError(f"there is no {mine_path} yet: `make lab` copies it there")
    backup = _backup(mine_path)
    if exercise is None:
        shutil.copyfile(fresh_path, mine_path)
        return backup
    mine = nbformat.read(mine_path, as_version=4)
    _reset_exercise(mine, nbformat.read(fresh_path, as_version=4), exercise)
    nbformat.write(mine, mine_path)
    return backup


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make reset",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="e.g. 01_gradients")
    parser.add_argument("exercise", nargs="?", help="an exercise's grade id, e.g. softmax")
    args = parser.parse_args(argv)
    try:
        backup = reset(args.notebook, args.exercise)
    except ResetError as err:
        print(f"Nothing was changed: {err}.", file=sys.stderr)
        return 1
    what = f"exercise {args.exercise} of {args.notebook}" if args.exercise else args.notebook
    print(f"Reset {what} in my_work/. Your previous version is in {backup}.\n"
          "If the notebook is open in JupyterLab: File > Reload Notebook from Disk.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
