"""What each IPython magic does while grading: the one table the reader and the worker share.

The reader (:mod:`autograder.load.ipython`) uses it to say what was not run; the
student process's ``get_ipython()`` shim (:mod:`autograder.run.magics`) to do the rest.
Standard library only: the worker imports it before any student code.
"""

from __future__ import annotations

#: Run the code of the line (or the cell) once: timing and profiling only measure.
RUN = "run"
#: Run the cell once with its output captured into a variable (``%%capture out``).
CAPTURE = "capture"
#: Write the cell into a file of the submission's folder (``%%writefile``).
WRITEFILE = "writefile"
#: Read or set environment variables.
ENV = "env"
#: Run a Python file of the submission's folder in the notebook's namespace.
RUNFILE = "runfile"
#: Nothing to do while grading (display settings, extensions, help, listings).
NOTHING = "nothing"
#: Not run while grading, and said so in the report (shell, package installs).
NOT_RUN = "not_run"

#: What each magic does while grading. Line and cell magics share the table.
MAGICS: dict[str, str] = {
    **dict.fromkeys(("time", "timeit", "prun"), RUN),
    "capture": CAPTURE,
    "writefile": WRITEFILE, "file": WRITEFILE,
    "env": ENV, "set_env": ENV,
    "run": RUNFILE,
    **dict.fromkeys((
        "matplotlib", "inline", "load_ext", "reload_ext", "unload_ext", "autoreload", "aimport",
        "config", "who", "whos", "who_ls", "pinfo", "pinfo2", "pdoc", "pdef", "psource", "pfile",
        "psearch", "precision", "pprint", "xmode", "colors", "autocall", "automagic", "pwd",
        "lsmagic", "magic", "quickref", "history", "notebook", "tb", "reset_selective",
        "html", "HTML", "markdown", "latex", "javascript", "js", "svg",
    ), NOTHING),
    **dict.fromkeys((
        "pip", "conda", "mamba", "micromamba", "system", "sx", "sc", "bash", "sh", "script",
        "perl", "ruby", "python", "python2", "python3", "pypy", "cd", "load", "store", "reset",
        "debug", "pdb", "ls", "cat", "cp", "mv", "rm", "mkdir", "rmdir", "killbgscripts",
    ), NOT_RUN),
}


def effect(name: str) -> str:
    """What magic ``name`` does while grading (:data:`NOT_RUN` when unknown)."""
    return MAGICS.get(name, NOT_RUN)
