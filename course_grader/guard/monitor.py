"""The integrity monitor: a PEP 578 audit hook inside the student's kernel.

The hook is installed by the kernel launcher before any student code runs and
cannot be removed.  It keeps its secret key and its references only in its
closure, calls nothing but builtins captured at start, and reports to the
grader through an append-only log of HMAC-signed lines.  Student code cannot
sign a line: a forged, missing or out-of-order line is itself a finding.

What it watches, after the grader's first cell arms it:

* state: at every ``exec`` (each cell) and at every call of a checking helper
  (``course_lib.check`` wrapped with checkpoints), the objects that decide a
  grade are compared by identity with references taken when armed: every
  entry of course_lib's, numpy's and builtins' module dicts, their functions'
  code, defaults, closures and globals, their classes' dicts, sys.modules,
  sys.stdout/stderr/displayhook/excepthook, import hooks, and the IPython
  shell's transformers, exception handlers, event callbacks and methods;
* acts: tracing and profiling (``sys.settrace``/``setprofile``), code objects
  swapped into functions, frames taken by student code while a test runs
  (``sys._getframe``, ``tb_frame``, ``gi_frame``; the way to the test's source),
  and, refused outright, the ways to the monitor itself: ``gc`` object walks,
  ``ctypes``, a second audit hook, ``/proc/*/mem``, C extensions loaded from
  writable places, compiled code that pretends to be library code.

Findings are written the moment they are seen, so a kernel that dies later
loses none of them.
"""

import sys

__all__ = ["install", "sign"]

SEP = "\t"


def sign(key, seq, kind, detail, _blake2b=__import__("_blake2").blake2b):
    """The line the monitor writes for one record (the grader checks it the same way)."""
    body = f"{seq}{SEP}{kind}{SEP}{detail}"
    return f"{body}{SEP}{_blake2b(body.encode(), key=key).hexdigest()}\n"


# IPython shell attributes that change as cells run: not compared.
SHELL_STATE = frozenset({
    "execution_count", "last_execution_result", "last_execution_succeeded", "_last_traceback",
    "_post_execute", "_main_mod_cache", "_orig_sys_modules_main_mod", "_orig_sys_module_state",
    "_showtraceback", "_last_input_line", "tempfiles", "tempdirs", "_reply_content",
    "_spyder_sys_modules", "_cross_validation_lock", "_trait_values", "_trait_notifiers",
    "_trait_validators", "_instance_inits", "user_ns_hidden", "_is_interrupt_handler_registered",
    "displayhook", "display_trap", "db", "raw_input_original", "_display_pub",
    "configurables", "_sys_raw_input", "_sys_eval_input", "_save_getpass",
})
# module entries that change legitimately while cells run
MODULE_STATE = frozenset({"_", "__", "___", "__builtins__", "__loader__", "__spec__",
                          "_ih", "_oh", "_dh", "In", "Out", "exit", "quit", "get_ipython",
                          "_exit_code", "__warningregistry__", "__IPYTHON__", "display",
                          # ipykernel swaps these in for every request (input from the client)
                          "input", "raw_input", "getpass"})
# library code that acts for its caller: the requester is whoever called it
INTERMEDIARIES = ("/inspect.py", "/traceback.py", "/linecache.py", "/functools.py",
                  "/ctypes/__init__.py")
FRAME_ATTRS = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"})
# At most one full comparison per this many seconds at checkpoints (every cell's start is
# always compared): a comparison costs ~1-5 ms, and a test may check 3000 values.
CHECKPOINT_GAP = 0.05
HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python, whose dict can change
PROC_SECRETS = ("/mem", "/pagemap", "/map_files", "/environ")


def install(key, log_fd, trusted, check_dir):
    """Install the audit hook.

    key: bytes, the per-kernel secret.  log_fd: fd of the append-only log.
    trusted: path prefixes of read-only library code (Python, site-packages,
    course_lib, course_grader).  check_dir: course_lib/check's folder: a frame
    of it on the stack means a test is running.
    """
    sys.addaudithook(_make_hook(key, log_fd, tuple(trusted), check_dir))


def _make_hook(key, log_fd, trusted, check_dir, *,
               # captured now: a student may replace the names later, never these objects
               _write=__import__("os").write, _sign=sign, _getframe=sys._getframe,
               _type=type, _isinstance=isinstance, _len=len, _repr=repr, _str=str,
               _tuple=tuple, _list=list, _dict=dict, _vars=vars, _getattr=getattr,
               _callable=callable, _frozenset=frozenset, _object=object, _sys=sys,
               _PermissionError=PermissionError, _BaseException=BaseException,
               _FunctionType=type(lambda: 0), _str_startswith=str.startswith,
               _str_endswith=str.endswith, all=all, any=any,
               _clock=__import__("time").perf_counter):
    MISSING = _object()
    state = {"armed": False, "busy": 0, "seq": 0, "checks": 0, "seconds": 0.0, "last": -1e9}
    refs = []           # (label, live mapping, [(key, reference), ...])
    cells = []          # (label, cell, reference contents)
    objects = []        # (label, object, attribute, reference)
    reported = set()
    shell_refs = []     # (label, instance dict, reference items, keys at arm time)
    growing = []        # (label, list, reference items): libraries may append, students not
    hooks = []          # (label, list, reference items): the same, inserted anywhere

    def record(kind, detail):
        line = _sign(key, state["seq"], kind, _repr(_str(detail))[1:-1])
        state["seq"] += 1
        try:
            _write(log_fd, line.encode())
        except _BaseException:
            pass  # the log was closed under us: the missing lines are the finding

    def finding(kind, detail):
        if (kind, detail) not in reported:
            reported.add((kind, detail))
            record(kind, detail)

    def untrusted(filename):
        if _str_startswith(filename, "<frozen "):
            return False
        for root in trusted:
            if _str_startswith(filename, root):
                return False
        return True

    def requester():
        """The first frame outside this hook and the intermediaries; and
        whether a frame of course_lib.check is below it (a test is running)."""
        frame = _getframe(3)  # 0 requester, 1 check, 2 hook, 3 whoever raised the event
        while frame is not None:
            name = frame.f_code.co_filename
            skip = False
            for tail in INTERMEDIARIES:
                if _str_endswith(name, tail):
                    skip = True
            if not skip:
                break
            frame = frame.f_back
        if frame is None:
            return None, False
        below = frame.f_back
        testing = False
        while below is not None:
            if _str_startswith(below.f_code.co_filename, check_dir):
                testing = True
                break
            below = below.f_back
        return frame, testing

    def student_made(obj):
        """Whether a callable's code (or its class's) comes from outside the libraries."""
        fn = _getattr(obj, "__func__", obj)
        code = _getattr(fn, "__code__", None)
        if code is None:
            module = _sys.modules.get(_getattr(_type(obj), "__module__", None))
            return module is None or untrusted(_str(_getattr(module, "__file__", "<main>")))
        return untrusted(code.co_filename)

    def where(frame):
        return f"{frame.f_code.co_name} at line {frame.f_lineno}" if frame is not None else "?"

    def snapshot_function(label, fn):
        # Setting __code__, __defaults__ or __kwdefaults__ is an audited act (see check);
        # __globals__ is read-only.  What changes without an event: the keyword-defaults
        # dict in place, and closure cells.
        if fn.__kwdefaults__ is not None:
            refs.append((label + ".__kwdefaults__", fn.__kwdefaults__,
                         _list(fn.__kwdefaults__.items())))
        if fn.__closure__:
            for i, cell in enumerate(fn.__closure__):
                try:
                    cells.append((f"{label} (closure {i})", cell, cell.cell_contents))
                except ValueError:
                    pass  # an empty cell

    def snapshot_mapping(label, mapping, skip=MODULE_STATE):
        items = [(k, v) for k, v in mapping.items() if k not in skip]
        refs.append((label, mapping, items))
        for k, v in items:
            if _type(v) is _FunctionType:
                snapshot_function(f"{label}.{k}", v)
            if _type(v).__name__ == "_ArrayFunctionDispatcher":  # numpy's np.isclose & co.
                impl = _getattr(v, "_implementation", None)
                if _type(impl) is _FunctionType:
                    snapshot_function(f"{label}.{k}", impl)

    def arm():
        modules = _sys.modules
        watched = [name for name in _list(modules)
                   if name == "builtins" or _str_startswith(name, "course_lib")
                   or _str_startswith(name, "numpy")]
        refs.append(("sys.modules", modules, [(n, modules[n]) for n in watched]))
        seen_classes = set()
        for name in watched:
            module = modules[name]
            snapshot_mapping(name, _vars(module))
            for k, v in _list(_vars(module).items()):
                if _isinstance(v, _type) and v.__flags__ & HEAPTYPE and v not in seen_classes:
                    seen_classes.add(v)  # a class written in Python: its dict, live
                    snapshot_mapping(f"{name}.{k}", v.__dict__, skip=())
        # (IPython swaps sys.displayhook and sys.excepthook around each cell itself)
        for attr in ("stdout", "stderr", "modules",
                     "meta_path", "path_hooks", "breakpointhook", "unraisablehook"):
            objects.append((f"sys.{attr}", _sys, attr, _getattr(_sys, attr)))
        # import hooks: a library may add its own when imported (jax's absl inserts a
        # finder into sys.meta_path), a student may not; none may go or be replaced
        hooks.append(("sys.meta_path", _sys.meta_path, _list(_sys.meta_path)))
        hooks.append(("sys.path_hooks", _sys.path_hooks, _list(_sys.path_hooks)))
        ipython = modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is not None:
            for name in shell.trait_names():  # traitlets create defaults on first read:
                try:                              # read them now, not after student code
                    _getattr(shell, name)
                except _BaseException:
                    pass
            for label, obj in (("IPython shell", shell), ("IPython kernel", shell.kernel),
                               ("IPython input transformer manager",
                                shell.input_transformer_manager),
                               ("IPython events", shell.events),
                               ("IPython compiler", shell.compile)):
                # hooks and handlers only: callables and the lists and dicts that hold them
                snapshot_instance(label, _vars(obj), _frozenset(_vars(obj)))
                # traitlets keep trait values apart, and fill in defaults when first read
                snapshot_instance(f"{label} trait", _vars(obj).get("_trait_values", {}), None)
                for cls in _type(obj).__mro__:
                    if cls.__flags__ & HEAPTYPE and cls not in seen_classes:
                        seen_classes.add(cls)
                        snapshot_mapping(f"{cls.__module__}.{cls.__qualname__}", cls.__dict__,
                                         skip=())
            for event, callbacks in shell.events.callbacks.items():
                growing.append((f"IPython events[{event}]", callbacks, _list(callbacks)))

    def snapshot_instance(label, inst, keys):
        """Hooks and handlers of an object: callables, and the lists and dicts holding them."""
        items = []
        for k, v in inst.items():
            if k in SHELL_STATE:
                continue
            if _isinstance(v, (_list, _tuple)):
                refs.append((f"{label}.{k}", v, _list(enumerate(v))))
            elif _isinstance(v, _dict) and v and all(_callable(x) for x in v.values()):
                refs.append((f"{label}.{k}", v, _list(v.items())))
            elif not _callable(v):
                continue
            items.append((k, v))
        shell_refs.append((label, inst, items, keys))  # keys: None when new ones may come

    def compare():
        """Every reference against the live object, by identity only."""
        state["checks"] += 1
        for label, mapping, items in refs:
            if _isinstance(mapping, (_list, _tuple)):  # hook lists: same items, no more
                if _len(mapping) != _len(items):
                    finding("changed", f"{label} ({_len(items)} entries, now {_len(mapping)})")
                    continue
                for k, v in items:
                    if mapping[k] is not v:
                        finding("changed", f"{label}[{k}]")
                continue
            get = mapping.get
            for k, v in items:
                if get(k, MISSING) is not v:
                    finding("changed", f"{label}.{k}")
        for label, obj, attr, ref in objects:
            if _getattr(obj, attr, MISSING) is not ref:
                finding("changed", label)
        for label, cell, ref in cells:
            try:
                if cell.cell_contents is not ref:
                    finding("changed", label)
            except ValueError:
                finding("changed", label)
        for label, live, items in growing:
            for k, v in enumerate(items):
                if k >= _len(live) or live[k] is not v:
                    finding("changed", f"{label}[{k}]")
            for extra in live[_len(items):]:
                if student_made(extra):
                    finding("changed", f"{label}: {_getattr(extra, '__qualname__', '?')} added")
        for label, live, items in hooks:
            for v in items:
                if not any(x is v for x in live):
                    finding("changed", f"{label}: {_getattr(v, '__qualname__', '?')} removed")
            for x in live:  # a finder is judged by its find_spec, a path hook by its code
                if not any(x is v for v in items) and student_made(_getattr(x, "find_spec", x)):
                    finding("changed", f"{label}: {_getattr(_type(x), '__qualname__', '?')} added")
        for label, inst, items, keys in shell_refs:
            for k, v in items:
                if inst.get(k, MISSING) is not v:
                    finding("changed", f"{label}.{k}")
            for k in _list(inst) if keys is not None else ():
                if k not in keys and k not in SHELL_STATE and _callable(inst[k]):
                    finding("changed", f"{label}.{k} (added)")

    def check(event, args):
        if event == "course_grader.arm":
            if state["armed"]:
                finding("re-armed", "the grader's start-up call was repeated")
                return
            arm()
            state["armed"] = True
            record("armed", f"{_len(refs)} tables, {_len(objects)} objects")
            return
        if not state["armed"]:
            return
        if event == "exec" and not untrusted(_getattr(args[0], "co_filename", "?")):
            return  # library code running exec (namedtuple, dataclasses): not a cell
        if event == "course_grader.checkpoint" and _clock() - state["last"] < CHECKPOINT_GAP:
            return  # a test checking thousands of values: not a full comparison each time
        if event == "exec" or event == "course_grader.checkpoint":
            state["busy"] = 2  # student code reached from here (an __eq__) is refused all
            began = _clock()
            try:
                compare()
                state["last"] = _clock()
                state["seconds"] += state["last"] - began
            except (KeyboardInterrupt, SystemExit):
                raise  # the grader's interrupt of a cell that ran too long: let it through
            except _BaseException as err:
                finding("check failed", f"{_type(err).__name__}: {err}")
            return
        if event == "course_grader.report":
            record("report", f"{state['checks']} checks in {state['seconds']:.3f} s")
            return
        if event == "sys.addaudithook":
            finding("refused", "sys.addaudithook: a second audit hook")
            raise _PermissionError("course-grade: adding audit hooks is not allowed")
        if event == "sys.settrace" or event == "sys.setprofile":
            frame, _ = requester()
            finding("tracing", f"{event} by {where(frame)}")
            return
        if event == "object.__setattr__":
            if args[1] in FUNCTION_PARTS:
                frame, _ = requester()
                if frame is None or untrusted(frame.f_code.co_filename):
                    finding("code replaced", f"{_getattr(args[0], '__qualname__', '?')}."
                            f"{args[1]} set by {where(frame)}")
            return
        if event == "open":
            path = args[0]
            if _isinstance(path, _str) and _str_startswith(path, "/proc/"):
                for tail in PROC_SECRETS:
                    if _str_endswith(path, tail):
                        finding("refused", f"open {path}")
                        raise _PermissionError("course-grade: this file is not readable here")
            return
        frame, testing = requester()
        mine = frame is not None and untrusted(frame.f_code.co_filename)
        if event == "import":
            filename = args[1] if _len(args) > 1 else None
            if filename is not None and untrusted(_str(filename)):
                finding("refused", f"C extension loaded from {filename}")
                raise _PermissionError("course-grade: loading C code is not allowed")
            return
        if not mine:
            return
        if _str_startswith(event, "ctypes.") or _str_startswith(event, "gc.get_"):
            finding("refused", f"{event} by {where(frame)}")
            raise _PermissionError(f"course-grade: {event} is not allowed while grading")
        if event == "sys._current_frames":
            finding("frames", f"{event} by {where(frame)}")
            raise _PermissionError(f"course-grade: {event} is not allowed while grading")
        if event == "compile":
            name = args[1] if _len(args) > 1 else None
            if _isinstance(name, _str) and not untrusted(name):
                finding("disguised code", f"code compiled as {name} by {where(frame)}")
            return
        if event == "code.__new__" or event == "function.__new__":
            finding("crafted code", f"{event} by {where(frame)}")
            return
        if testing and (event == "sys._getframe" or (
                event == "object.__getattr__" and args[1] in FRAME_ATTRS)):
            finding("frames", f"a frame taken by {where(frame)} while a test ran "
                    "(the way to the test's source)")

    def hook(event, args):
        if event not in WATCHED:
            return
        if event == "object.__getattr__" and args[1] not in FRAME_ATTRS:
            return
        if state["busy"]:
            if state["busy"] == 2:  # student code run from inside a check: refused all
                raise _PermissionError("course-grade: not allowed inside the integrity check")
            return
        state["busy"] = 1
        try:
            check(event, args)
        except (_PermissionError, KeyboardInterrupt, SystemExit):
            raise  # a refusal, or the grader's interrupt
        except _BaseException as err:  # a fault of the monitor must not fail honest code
            finding("check failed", f"{event}: {_type(err).__name__}: {err}")
        finally:
            state["busy"] = 0

    return hook


CTYPES = ("addressof", "call_function", "cdata", "cdata/buffer", "create_string_buffer",
          "create_unicode_buffer", "dlopen", "dlsym", "dlsym/handle", "get_errno", "set_errno",
          "string_at", "wstring_at", "PyObj_FromPtr", "set_exception")
FUNCTION_PARTS = frozenset({"__code__", "__defaults__", "__kwdefaults__"})
WATCHED = frozenset({f"ctypes.{name}" for name in CTYPES} | {
    "course_grader.arm", "course_grader.checkpoint", "course_grader.report", "exec",
    "sys.addaudithook", "sys.settrace", "sys.setprofile", "object.__setattr__", "open",
    "import", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
    "compile", "code.__new__", "function.__new__", "sys._getframe", "object.__getattr__",
})
