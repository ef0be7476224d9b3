"""Where a student's process runs when a whole class is graded: a sandbox.

Backends are declarations (a :class:`Backend` registered with
:func:`register_backend`, best first); :func:`detect` picks the best one that works
here and says which protections the others would have added. The three built in:

``bwrap``
    bubblewrap. A new mount, PID, network, IPC and UTS namespace whose root is
    an empty tmpfs; read-only views of the system (``/usr``, ``/etc``), of the
    Python installation and of the ``autograder`` package only; a private
    ``/tmp``; the submission's scratch folder as the only writable place. The
    course (``solutions/``, hidden checks), the other students, the output
    folder, the gradebook and (by default) the data files are simply not
    there. When the grader is root, the student's code runs as an unprivileged
    user of its own (one per worker slot), so the process limit holds.
``unshare``
    util-linux ``unshare``: no network, own PID and mount namespace; the course,
    the submissions, the output and the data folders are covered by empty
    tmpfs mounts (a deny list, not an allow list), and ``/tmp`` is private.
    As root, the code then runs as an unprivileged user. The rest of the file
    system stays visible.
``rlimits``
    resource limits only. Nothing is hidden and the network is open.

All backends apply the same resource limits (:class:`SandboxLimits`).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from deepgrade_datasets.private import data_folders, package_data_folders

from ..plan_store import plan_cache_dir
from ..run.device import requested_device
from ..run.session import Limits

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # .../autograder
#: The student's home and working folder inside the sandbox: a tmpfs of capped size.
SANDBOX_HOME = "/home/student"
#: Where the scratch copy of the submission is seen, read-only, inside the sandbox; the
#: worker copies it into SANDBOX_HOME before any student code runs.
SANDBOX_SEED = "/submission"
#: First uid of the per-slot unprivileged users (only used when the grader is root).
UID_BASE = 61000

#: Every protection a backend may claim, in words for the report.
PROTECTIONS = {
    "network": "no network (not even the host's loopback)",
    "hidden_files": "the course, hidden checks, other students, output and data folders are invisible",
    "readonly_system": "the system and the Python installation are read-only; only a scratch folder is writable",
    "private_tmp": "a private /tmp",
    "pid_namespace": "cannot see or signal other processes",
    "unprivileged_user": "runs as an unprivileged user of its own (the process limit holds)",
    "rlimits": "limits on memory, CPU time, processes, file size and open files",
    "scratch_cap": "the files it writes are capped in total, not only each file",
}


@dataclass
class SandboxLimits(Limits):
    """:class:`Limits` plus the rlimits a class grader wants on every student process."""

    memory_bytes: int | None = 4 << 30  # address space; TensorFlow alone maps ~2 GiB
    cpu_seconds: int = 600
    processes: int = 256  # counts threads too; TensorFlow starts dozens
    file_bytes: int = 64 << 20
    open_files: int = 256
    #: All the files the code may write in its home (bwrap: a tmpfs of this size).
    scratch_bytes: int = 256 << 20

    def apply(self) -> None:  # runs in the child between fork and exec
        super().apply()
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.file_bytes, self.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, self.open_files))
        # RLIMIT_NPROC counts every process and thread of the *user*. Root ignores it, so
        # as root the sandbox drops to a slot user of its own, where the limit holds as is.
        nproc = self.processes if os.geteuid() == 0 else self.processes + _own_task_count()
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def _own_task_count() -> int:
    """Threads and processes of this user now (RLIMIT_NPROC counts them all)."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if os.stat(entry.path).st_uid == uid:
                    count += len(os.listdir(f"{entry.path}/task"))
            except OSError:
                pass
    return count


def _python_roots() -> list[Path]:
    """Folders the interpreter, the standard library and the installed packages live in."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        value = sysconfig.get_paths().get(key)
        if value:
            roots.add(Path(value))
    keep: list[Path] = []
    for root in sorted(roots, key=lambda p: len(p.parts)):
        if root.exists() and not any(root.is_relative_to(k) for k in keep):
            keep.append(root)
    return keep


def package_data_dirs() -> list[Path]:
    """Data sets shipped inside installed packages (they can hold held-out labels): where the
    data sets say they are (:mod:`deepgrade_datasets.private`)."""
    return package_data_folders()


def data_dirs() -> list[Path]:
    """The data and cache folders of ``deepgrade_datasets``."""
    return data_folders()


@dataclass(frozen=True)
class Availability:
    """Whether a backend works on this host, and why not when it does not."""

    works: bool
    why: str = ""


class Backend:
    """One way to wrap a student's process: a declaration registered with :func:`register_backend`.

    A backend says whether it works here (:meth:`available`), what it protects against on
    this host (:meth:`claims`) and the command prefix that starts a process in it (:meth:`wrap`).
    """

    #: The name ``--sandbox`` and reports use.
    name: str = ""
    #: The student's home is :data:`SANDBOX_HOME`, a tmpfs seeded from a read-only
    #: :data:`SANDBOX_SEED` (else the process runs in the scratch folder itself).
    seeded_home: bool = False
    #: A pre-warmed process in this sandbox can give each forked child its own namespaces.
    forks_children: bool = False
    #: The wrapper reports a student's process killed by signal N as exit code 128 + N, and is
    #: itself out of the student's reach: a signal that ends the wrapper came from outside.
    reports_signals: bool = False

    def available(self) -> Availability:
        raise NotImplementedError

    def claims(self, *, hides_paths: bool) -> tuple[str, ...]:
        """The protections it gives here (``hides_paths``: folders to hide were named)."""
        raise NotImplementedError

    def wrap(self, sandbox: Sandbox, scratch: Path, slot: int, limits: SandboxLimits) -> list[str]:
        raise NotImplementedError


_BACKENDS: dict[str, Backend] = {}


def register_backend(backend: Backend) -> Backend:
    """Add a backend; the order of registration is the order of preference, best first."""
    if not backend.name or backend.name in _BACKENDS or backend.name == "auto":
        raise ValueError(f"a sandbox backend needs a new name: {backend.name!r}")
    _BACKENDS[backend.name] = backend
    return backend


def backend_names() -> tuple[str, ...]:
    """The registered backends' names, best first."""
    return tuple(_BACKENDS)


def get_backend(name: str) -> Backend:
    try:
        return _BACKENDS[name]
    except KeyError:
        raise ValueError(f"no sandbox backend {name!r} (known: {', '.join(_BACKENDS)})") from None


@dataclass
class Sandbox:
    """A backend as chosen for a run, what it protects against here; ``wrap`` gives the command prefix."""

    name: str
    protections: tuple[str, ...]
    hide: tuple[Path, ...] = ()  # extra folders to keep out (course, submissions, output)
    show_data: bool = False  # let the student see the data folders (Keras exercises training)
    reason: str = ""  # why a better backend is not used
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def backend(self) -> Backend:
        return get_backend(self.name)

    @property
    def missing(self) -> list[str]:
        return [k for k in PROTECTIONS if k not in self.protections]

    def describe(self) -> str:
        if not self.missing:
            return f"sandbox: {self.name} (all protections)"
        lost = "; ".join(PROTECTIONS[k] for k in self.missing)
        text = f"sandbox: {self.name}. MISSING protections: {lost}."
        if self.reason:
            text += f" ({self.reason})"
        return text

    def uid(self, slot: int) -> int | None:
        return UID_BASE + slot if os.geteuid() == 0 and "unprivileged_user" in self.protections else None

    def prepare_scratch(self, scratch: Path, slot: int) -> None:
        uid = self.uid(slot)
        if uid is not None:
            for path in [scratch, *scratch.rglob("*")]:
                os.lchown(path, uid, uid)

    def wrap(self, scratch: Path, slot: int, limits: SandboxLimits) -> list[str]:
        return self.backend.wrap(self, scratch, slot, limits)

    def hidden_paths(self) -> list[Path]:
        paths = list(self.hide)
        if not self.show_data:
            paths += data_dirs() + package_data_dirs()
        store = plan_cache_dir()  # the grader's stored hidden plans: expected values, as solutions/
        if store is not None:
            paths.append(store)
        return paths

    def drop_privileges(self, slot: int) -> list[str]:
        """The prefix that runs the rest as the slot's own user (root only), else nothing."""
        uid = self.uid(slot)
        if uid is None:
            return []
        return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                "--"]


def _as_root() -> bool:
    return os.geteuid() == 0


def _tool_missing(tool: str, hint: str) -> Availability | None:
    """Why ``tool`` (and, as root, ``setpriv``) cannot be used here; None when both are there."""
    if shutil.which(tool) is None:
        return Availability(False, f"{tool} is not installed: {hint}")
    if _as_root() and shutil.which("setpriv") is None:
        return Availability(False, "setpriv (util-linux) is missing")
    return None


def _probe(argv: list[str]) -> Availability:
    """Whether the command runs and exits 0 here, and what went wrong when it does not."""
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Availability(False, str(exc))
    if proc.returncode != 0:
        why = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return Availability(False, why)
    return Availability(True)


class Bubblewrap(Backend):
    """bubblewrap: an allow list. The student sees the system, Python and the grader read-only,
    a private /tmp and its home; nothing else exists."""

    name = "bwrap"
    seeded_home = True
    forks_children = True
    reports_signals = True

    def available(self) -> Availability:
        missing = _tool_missing("bwrap", "install bubblewrap (`apt-get install bubblewrap`, or `make sandbox`)")
        if missing:
            return missing
        sandbox = Sandbox(self.name, tuple(PROTECTIONS))
        scratch = Path(os.environ.get("TMPDIR", "/tmp"))
        return _probe([*self.wrap(sandbox, scratch, 0, SandboxLimits()), sys.executable, "-c", "import numpy"])

    def claims(self, *, hides_paths: bool) -> tuple[str, ...]:
        return tuple(p for p in PROTECTIONS if p != "unprivileged_user" or _as_root())

    def wrap(self, sandbox: Sandbox, scratch: Path, slot: int, limits: SandboxLimits) -> list[str]:
        args = ["bwrap", "--die-with-parent", "--new-session",
                "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for name in ("bin", "lib", "lib32", "lib64", "sbin", "libx32"):
            host = Path("/") / name
            if host.is_symlink():
                args += ["--symlink", os.readlink(host), str(host)]
            elif host.is_dir():
                args += ["--ro-bind", str(host), str(host)]
        args += ["--proc", "/proc", "--dev", "/dev", "--size", str(256 << 20), "--perms", "1777",
                 "--tmpfs", "/tmp"]
        made: set[Path] = {Path("/"), Path("/usr"), Path("/etc"), Path("/tmp"), Path("/proc"), Path("/dev")}

        def parents(path: Path) -> list[str]:
            out = []
            for parent in reversed(path.parents):
                if parent not in made:
                    made.add(parent)
                    out += ["--perms", "0755", "--dir", str(parent)]
            return out

        shown = [*_python_roots(), PACKAGE_DIR]
        datasets = _datasets_package_dir()
        if datasets is not None:
            shown.append(datasets)
        if sandbox.show_data:
            shown += data_dirs()
        for path in shown:
            if not path.is_relative_to("/usr"):
                args += parents(path) + ["--ro-bind", str(path), str(path)]
                made.add(path)
        if not sandbox.show_data:
            for path in package_data_dirs():  # inside the (visible) site-packages
                args += ["--tmpfs", str(path)]
        store = plan_cache_dir()  # the grader's stored hidden plans, should a shown folder hold them
        if store is not None and store.exists() and any(store.resolve().is_relative_to(p) for p in shown):
            args += ["--tmpfs", str(store.resolve())]
        if requested_device(limits.device) != "cpu":  # GPUs for Keras exercises
            for dev in sorted(Path("/dev").glob("nvidia*")):
                if dev.is_char_device():
                    args += ["--dev-bind", str(dev), str(dev)]
        home = Path(SANDBOX_HOME)
        args += parents(home) + ["--perms", "0777", "--size", str(limits.scratch_bytes), "--tmpfs", SANDBOX_HOME,
                                 "--ro-bind", str(scratch), SANDBOX_SEED, "--chdir", SANDBOX_HOME]
        if sandbox.uid(slot) is not None:
            args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        return [*args, "--", *sandbox.drop_privileges(slot)]


class Unshare(Backend):
    """util-linux unshare: a deny list. Own network, PID and mount namespaces; the folders to hide
    are covered with empty tmpfs; the rest of the file system stays visible."""

    name = "unshare"
    reports_signals = True

    def available(self) -> Availability:
        missing = _tool_missing("unshare", "install util-linux")
        if missing:
            return missing
        sandbox = Sandbox(self.name, ())
        return _probe([*self.wrap(sandbox, Path("/tmp"), 0, SandboxLimits()), sys.executable, "-c", "import numpy"])

    def claims(self, *, hides_paths: bool) -> tuple[str, ...]:
        given: tuple[str, ...] = ("network", "private_tmp", "pid_namespace", "rlimits")
        given += ("unprivileged_user",) if _as_root() else ()
        given += ("hidden_files",) if hides_paths else ()
        return tuple(p for p in PROTECTIONS if p in given)

    def wrap(self, sandbox: Sandbox, scratch: Path, slot: int, limits: SandboxLimits) -> list[str]:
        mounts = [str(p) for p in sandbox.hidden_paths() if p.exists()]
        # Cover the hidden folders and /tmp with empty tmpfs, bind the scratch folder as home.
        # The shell stays, as the namespace's init (no signal from inside reaches it), and exits
        # with 128 + N when the student's process is killed by signal N: unshare then exits with
        # that code, and dies by a signal only when one comes from outside (reports_signals).
        script = ("set -e; for p in \"$@\"; do case $p in --) break;; esac; "
                  "mount -t tmpfs -o size=1m,mode=0755 none \"$p\"; shift; done; shift; "
                  "mount -t tmpfs -o size=256m,mode=1777 none /tmp; set +e; \"$@\"; exit $?")
        args = ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "--ipc", "--uts"]
        if not _as_root():
            args += ["--user", "--map-root-user"]
        # the scratch folder stays where it is (cwd); it is the only place the code owns
        return [*args, "sh", "-c", script, "sandbox", *mounts, "--", *sandbox.drop_privileges(slot)]


class ResourceLimitsOnly(Backend):
    """Resource limits alone: nothing is hidden and the network is open. Works everywhere.

    As root it still drops the code to the slot's own user (``setpriv``), as unshare does: in a
    container without user namespaces (a hosted autograder) this is the backend left, and code
    run as root there could rewrite the grader, the results and the other students' files. With
    no PID namespace, what the code leaves running is killed with its user's processes when its
    process is closed (:class:`~autograder.isolate.process.SandboxedProcess`)."""

    name = "rlimits"

    def available(self) -> Availability:
        return Availability(True)

    def claims(self, *, hides_paths: bool) -> tuple[str, ...]:
        given = ("rlimits", "unprivileged_user") if _as_root() and shutil.which("setpriv") else ("rlimits",)
        return tuple(p for p in PROTECTIONS if p in given)

    def wrap(self, sandbox: Sandbox, scratch: Path, slot: int, limits: SandboxLimits) -> list[str]:
        return sandbox.drop_privileges(slot)


register_backend(Bubblewrap())
register_backend(Unshare())
register_backend(ResourceLimitsOnly())


def _datasets_package_dir() -> Path | None:
    try:
        spec = importlib.util.find_spec("deepgrade_datasets")
    except (ImportError, ValueError):
        return None
    if spec and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return None


@functools.cache
def available(name: str) -> Availability:
    """Whether backend ``name`` works on this machine (probed once per process)."""
    return get_backend(name).available()


def detect(preferred: str = "auto", hide: tuple[Path, ...] = (), show_data: bool = False) -> Sandbox:
    """The best working backend (or ``preferred``), and why better ones are not used."""
    order = backend_names() if preferred == "auto" else (get_backend(preferred).name,)
    reasons = []
    for name in order:
        found = available(name)
        if not found.works:
            reasons.append(f"{name}: {found.why}")
            continue
        protections = get_backend(name).claims(hides_paths=bool(hide))
        return Sandbox(name, protections, tuple(hide), show_data, "; ".join(reasons))
    raise RuntimeError("no sandbox backend works here: " + "; ".join(reasons))


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.isolate [--require auto|bwrap|unshare|rlimits]``: which
    sandbox works on this host. A cluster job runs it before its worker starts; exit 0 when
    the required backend (``auto``: any) works here, 3 when it does not."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m autograder.isolate",
                                     description="Check the class grader's sandbox on this host.")
    parser.add_argument("--require", choices=["auto", *backend_names()], default="auto")
    args = parser.parse_args(argv)
    try:
        sandbox = detect(args.require)
    except RuntimeError as exc:
        print(f"deepgrade: {exc}", file=sys.stderr)
        return 3
    print(f"deepgrade: {sandbox.describe()}")
    return 0

