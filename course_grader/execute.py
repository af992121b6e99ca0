"""Run one student's notebook, cell by cell, in a sandboxed kernel, losing nothing.

nbgrader's own Execute preprocessor (an nbclient client) runs each cell.  What
it cannot do alone is survive: a cell that kills the kernel (``os._exit``) or
that will not stop when interrupted (a loop inside ``try/except
KeyboardInterrupt``, SIGINT ignored) would cost every later cell.  Here such a
cell costs itself only: the kernel is replaced by a fresh one, the cells before
it that define things are run again quietly (test cells are not: their scores
are already in their outputs), and grading goes on with the next cell.
"""

import asyncio
import copy
import os
import secrets
import shutil
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.preprocessors import Execute

from course_grader import sandbox
from course_grader.integrity import GuardLog

__all__ = ["NotebookRun"]

PROBE_TIMEOUT = 3    # seconds a kernel gets to answer after an interrupt
IOPUB_TIMEOUT = 4    # seconds to wait for a finished cell's last outputs (nbclient's default)
REPORT = "__import__('sys').audit('course_grader.report')"


def _timed_out(cell):
    return any(o.output_type == "error" and o.get("ename") == "CellTimeoutError"
               for o in cell.get("outputs", []))


def _is_test(cell):
    meta = cell.metadata.get("nbgrader", {})
    return meta.get("grade", False) and not meta.get("solution", False)


class NotebookRun:
    """Executes a notebook in one scratch folder; restarts its kernel as needed.

    scratch: the student's scratch folder (the kernel's working directory).
    sandboxed: run the kernel under bwrap (False only when the TA asked).
    """

    def __init__(self, scratch, timeout, sandboxed=True, limits=sandbox.Limits(),
                 startup_timeout=60):
        self.scratch = Path(scratch)
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        # one cgroup for every kernel of this run: restarts share its process limit
        self.group = sandbox.process_group(secrets.token_hex(8), limits.processes) \
            if sandboxed else None
        argv = (sandbox.kernel_argv(self.scratch, limits, group=self.group) if sandboxed
                else sandbox.unsandboxed_argv())
        kernels = self.scratch / ".kernels"
        sandbox.write_kernel_spec(kernels, argv)
        self.specs = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
        self.kernels = 0
        self.client = None
        self.logs = []       # one GuardLog per kernel started
        self.events = []     # (cell index, what happened)
        self.problems = []   # exceptions nbclient raised, by name
        _font_cache(self.scratch / ".matplotlib")

    async def _start(self, nb):
        self.kernels += 1
        run = self.scratch / f".k{self.kernels}"
        run.mkdir()
        key = secrets.token_bytes(32)
        fd = os.open(run / "guard.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, key)
        os.close(fd)
        self.logs.append(GuardLog(run / "guard.log", key))
        km = AsyncKernelManager(kernel_name=sandbox.KERNEL_NAME, kernel_spec_manager=self.specs,
                                transport="ipc", ip=str(run / "kernel"),
                                connection_file=str(run / "kernel.json"))
        # A slow machine may deliver a cell's last outputs late: never fail the cell for
        # it.  A late error output is not lost: the error reply adds one (nbgrader's
        # Execute); a kernel that really hangs is caught by the probe after the interrupt.
        self.client = Execute(km=km, timeout=self.timeout, allow_errors=True,
                              startup_timeout=self.startup_timeout, record_timing=False,
                              raise_on_iopub_timeout=False, iopub_timeout=IOPUB_TIMEOUT,
                              extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.client.nb = nb
        self._stderr = open(run / "kernel.err", "wb")
        try:
            await self.client.async_start_new_kernel(cwd=str(self.scratch), stdout=self._stderr,
                                                     stderr=self._stderr)
            await self.client.async_start_new_kernel_client()
        except Exception as err:
            await self._stop()
            said = (run / "kernel.err").read_text(errors="replace").strip()[-400:]
            raise RuntimeError(f"the kernel did not start ({err}): {said}") from None

    async def _stop(self):
        client, self.client = self.client, None
        if client is None:
            return
        try:
            if client.kc is not None:
                client.kc.stop_channels()
            await client.km.shutdown_kernel(now=True)
        except Exception:
            pass  # a kernel that is already gone
        finally:
            self._stderr.close()

    async def _run(self, cell, index, timeout=None):
        """'ok', 'timeout' (the kernel answered the interrupt) or 'stuck'/'died'."""
        self.client.timeout = timeout or self.timeout
        try:
            await self.client.async_execute_cell(cell, index, store_history=True)
        except DeadKernelError:
            return "died"
        except Exception as err:  # nbclient gave up on the kernel
            # (its message quotes the cell's source, hidden tests and all: not shown)
            self.problems.append(type(err).__name__)
            return "stuck"
        if not _timed_out(cell):
            return "ok"
        status, probe = await self._aside(new_code_cell("pass"), min(PROBE_TIMEOUT, self.timeout))
        return "timeout" if status == "ok" and not _timed_out(probe) else "stuck"

    async def _aside(self, cell, timeout=None):
        """Run a cell that is not part of the notebook (nbclient stores each cell it
        runs back into its notebook, at the cell's index)."""
        notebook, self.client.nb = self.client.nb, new_notebook(cells=[cell])
        try:
            return await self._run(cell, 0, timeout), cell
        finally:
            self.client.nb = notebook

    async def run(self, nb):
        """Execute every code cell of nb in place, then ask for the monitor's report."""
        await self._start(nb)
        try:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                status = await self._run(cell, index)
                for log in self.logs[-1:]:
                    log.read(cell=index)
                if status in ("died", "stuck"):
                    self.events.append((index, status))
                    cell.outputs.append(_error(
                        "KernelRestarted",
                        "the kernel died while this cell ran" if status == "died" else
                        "this cell would not stop when interrupted",
                        "; it scores 0, the kernel was restarted and grading went on."))
                    await self._restart(nb, index)
            await self._aside(new_code_cell(REPORT), PROBE_TIMEOUT * 2)
            self.logs[-1].read(cell=None, final=True)
        finally:
            await self._stop()

    async def _restart(self, nb, upto):
        """A fresh kernel with the definitions of cells before ``upto`` run again."""
        await self._stop()
        await self._start(nb)
        for index, cell in enumerate(nb.cells[:upto]):
            if cell.cell_type != "code" or _is_test(cell) or any(
                    i == index for i, _ in self.events):
                continue
            status, _ = await self._aside(copy.deepcopy(cell))
            self.logs[-1].read(cell=index)
            if status in ("died", "stuck"):
                self.events.append((index, status))
                await self._stop()
                await self._start(nb)


def _font_cache(folder):
    """matplotlib's font list, built by `make install`, for the kernel's own config dir.

    Without it matplotlib builds one at every kernel start (and says so on stderr).
    """
    import matplotlib

    folder.mkdir(exist_ok=True)
    for cached in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copy(cached, folder)


def _error(ename, evalue, more=""):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}{more}"])


def run_notebook(nb, scratch, timeout, sandboxed=True):
    """Synchronous entry point: returns the NotebookRun (its logs and events)."""
    runner = NotebookRun(scratch, timeout, sandboxed)
    try:
        asyncio.run(runner.run(nb))
    finally:
        if runner.group:
            sandbox.remove_process_group(runner.group)
    return runner
