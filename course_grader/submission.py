"""Turn what a student handed in into notebooks nbgrader can grade, losing nothing.

    pick_files   which file to grade for each notebook of the assignment
                 (a renamed copy such as 01_gradients-Copy1.ipynb is found)
    match_cells  give cells whose nbgrader metadata was stripped their identity
                 back (by cell id, by the function they define, by position),
                 put back the stub of an exercise whose cell was deleted, and
                 keep the copy with the answer when a graded cell was pasted twice

Each returns notes (plain sentences for the TA) next to its result.
"""

import re
from pathlib import PurePosixPath

import nbformat

__all__ = ["match_cells", "pick_files"]


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _grade_id(cell):
    return _meta(cell).get("grade_id")


def _answered(nb, release):
    """How many solution cells differ from the student version's stub."""
    stubs = {_grade_id(c): c.source for c in release.cells if _meta(c).get("solution")}
    return sum(1 for c in nb.cells
               if _grade_id(c) in stubs and c.source.strip() != stubs[_grade_id(c)].strip())


def _read(data):
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4), None
    except Exception as err:  # any way a file can fail to be a notebook
        return None, f"{type(err).__name__}: {str(err)[:200]}"


def pick_files(files, spec):
    """files: {relative path: bytes} of one submission folder.

    Returns ({notebook name: (path, nb or None, problem)}, notes).  A notebook
    with nothing to grade maps to (None, None, reason).
    """
    notes, picked = [], {}
    candidates = {p: d for p, d in files.items()
                  if p.endswith(".ipynb") and ".ipynb_checkpoints" not in PurePosixPath(p).parts}
    used = set()
    for name, nbspec in spec.notebooks.items():
        release = nbspec.release_nb()
        ids = {_grade_id(c) for c in release.cells if _grade_id(c)}
        exact = f"{name}.ipynb"
        others = []
        for path in sorted(candidates):
            if path == exact or path in used:
                continue
            nb, _ = _read(candidates[path])
            shares_ids = nb is not None and ids & {_grade_id(c) for c in nb.cells}
            similar = PurePosixPath(path).stem.startswith(name) or name in path
            if shares_ids or similar:
                others.append((path, nb))
        if exact in candidates:
            nb, problem = _read(candidates[exact])
            choice = (exact, nb, problem)
            best = max(others, key=lambda o: o[1] is not None and _answered(o[1], release),
                       default=None)
            if (best is not None and best[1] is not None and (nb is None or (
                    _answered(nb, release) == 0 and _answered(best[1], release) > 0))):
                why = "is not a notebook" if nb is None else "has no answers"
                notes.append(f"{exact} {why}; graded {best[0]} instead, which has answers")
                choice = (best[0], best[1], None)
            for path, _ in others:
                if path != choice[0]:
                    notes.append(f"extra notebook {path} was not graded ({choice[0]} was)")
        elif others:
            best = max(others, key=lambda o: o[1] is not None and _answered(o[1], release))
            notes.append(f"{exact} is missing; graded {best[0]} in its place")
            choice = (best[0], best[1], None if best[1] is not None else "not a notebook")
            for path, _ in others:
                if path != best[0]:
                    notes.append(f"extra notebook {path} was not graded ({best[0]} was)")
        else:
            choice = (None, None, f"no {exact} in the submission")
        used.add(choice[0])
        picked[name] = choice
    for path in sorted(set(candidates) - used):
        if not any(path == n or f"extra notebook {path} " in n for n in notes):
            notes.append(f"extra notebook {path} was not graded")
    return picked, notes


_DEF = re.compile(r"^\s*(?:def|class)\s+([A-Za-z_]\w*)", re.M)


def _names(source):
    return set(_DEF.findall(source))


def match_cells(nb, release):
    """Restore the identity of graded cells in nb (modified in place).

    Returns notes.  Afterwards every grade_id of the release occurs at most
    once; missing code exercises are back as their stub (and so score 0).
    """
    notes = []
    _keep_answered_copies(nb, release, notes)
    present = {_grade_id(c) for c in nb.cells if _grade_id(c)}
    plain = [c for c in nb.cells if not _grade_id(c)]
    by_id = {c.get("id"): c for c in plain if c.get("id")}
    position = {}
    for k, rel in enumerate(release.cells):
        gid = _grade_id(rel)
        if not gid or gid in present:
            continue
        found = _find(rel, by_id, plain, nb, release, k)
        if found is not None:
            found.metadata["nbgrader"] = dict(_meta(rel))
            plain.remove(found)
            by_id.pop(found.get("id"), None)
            present.add(gid)
            notes.append(f"cell {gid} had lost its nbgrader metadata; recognised and graded")
        elif _meta(rel).get("solution") and not _meta(rel).get("grade"):
            position[gid] = k  # a code exercise cell: deleted
    for gid, k in position.items():
        stub = nbformat.from_dict(release.cells[k])
        nb.cells.insert(_insert_at(nb, release, k), stub)
        notes.append(f"exercise {gid}: its cell was deleted; its stub was put back (scores 0)")
    return notes


def _find(rel, by_id, plain, nb, release, k):
    same_type = [c for c in plain if c.cell_type == rel.cell_type]
    cell = by_id.get(rel.get("id"))
    if cell is not None and cell.cell_type == rel.cell_type:
        return cell
    if _meta(rel).get("locked"):  # a test cell: its text is the course's own
        first = rel.source.strip().splitlines()[:1]
        for c in same_type:
            if c.source.strip().splitlines()[:1] == first:
                return c
    elif rel.cell_type == "code":
        names = _names(rel.source)
        for c in same_type:
            if names and names <= _names(c.source):
                return c
    else:  # a written answer: the plain markdown cell where it stood
        lo, hi = _neighbours(nb, release, k)
        texts = {c.source.strip() for c in release.cells}
        for c in same_type:
            at = nb.cells.index(c)
            if lo < at < hi and c.source.strip() not in texts:
                return c
    return None


def _index_of(nb, rel):
    gid = _grade_id(rel)
    for j, c in enumerate(nb.cells):
        if (gid and _grade_id(c) == gid) or (not gid and c.source == rel.source):
            return j
    return None


def _neighbours(nb, release, k):
    """Positions in nb of the nearest release cells before and after release cell k."""
    lo = next((j for j in (_index_of(nb, c) for c in reversed(release.cells[:k]))
               if j is not None), -1)
    hi = next((j for j in (_index_of(nb, c) for c in release.cells[k + 1:]) if j is not None),
              len(nb.cells))
    return lo, hi


def _insert_at(nb, release, k):
    return _neighbours(nb, release, k)[0] + 1


def _keep_answered_copies(nb, release, notes):
    """A graded cell pasted twice: keep the copy with an answer, demote the others."""
    stubs = {_grade_id(c): c.source.strip() for c in release.cells if _grade_id(c)}
    copies = {}
    for c in nb.cells:
        if _grade_id(c):
            copies.setdefault(_grade_id(c), []).append(c)
    for gid, cells in copies.items():
        if len(cells) < 2:
            continue
        answered = [c for c in cells if c.source.strip() != stubs.get(gid)]
        keep = (answered or cells)[-1]
        for c in cells:
            if c is not keep:
                del c.metadata["nbgrader"]
        notes.append(f"cell {gid} appears {len(cells)} times (pasted); graded the copy "
                     f"{'with the answer' if answered else 'last in the notebook'}")
