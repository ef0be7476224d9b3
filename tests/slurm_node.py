"""A private one-node Slurm on loopback, for the tests of ``--cluster slurm``.

Debian's slurm-wlm and munge, started as root with their own configuration in a
temporary folder: munged with its own key and socket, slurmctld and slurmd on free
loopback ports, one node ``localhost`` with this machine's CPUs. Nothing is read
from /etc/slurm or /etc/munge and nothing outside the folder is written, so it
runs beside a real Slurm and from a clone in any directory (every path in
slurm.conf is absolute). No cgroups (``proctrack/linuxproc``, ``task/none``):
it works in a container. :meth:`SlurmNode.stop` ends every daemon it started,
by the pid it wrote, and every job first.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

#: What the node needs: the daemons, the clients dask-jobqueue calls, and root.
NEEDED = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol", "sinfo")


def why_not() -> str:
    """Why a one-node Slurm cannot start here ("" when it can)."""
    if os.geteuid() != 0:
        return "a private Slurm node runs slurmd as root; these tests need root (CI has it)"
    missing = [name for name in NEEDED if shutil.which(name) is None and not Path("/usr/sbin", name).exists()]
    if missing:
        return f"Slurm is not installed ({', '.join(missing)} missing): apt-get install slurm-wlm munge"
    return ""


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _binary(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


def _memory_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    return 4096


CONF = """\
ClusterName=deepgrade-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/munge/munge.socket
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
PlugStackConfig={root}/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
InactiveLimit=0
MinJobAge=600
KillWait=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


class SlurmNode:
    """One slurmctld, one slurmd and one munged in ``root``; :meth:`env` is what a client
    (sbatch, dask-jobqueue, ``deepgrade grade``) needs to use it."""

    def __init__(self, root: Path, cpus: int = 2):
        self.root = root.resolve()
        self.cpus = cpus
        self.conf = self.root / "slurm.conf"
        self.pids: dict[str, int] = {}

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env["SLURM_CONF"] = str(self.conf)
        return env

    def run(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, env=self.env())

    def start(self, timeout: float = 60) -> SlurmNode:
        for sub in ("munge", "state", "spool", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(self.root / "munge", 0o700)
        key = self.root / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        (self.root / "plugstack.conf").write_text("")
        ctld_port, slurmd_port = _free_ports(2)
        self.conf.write_text(CONF.format(root=self.root, ctld_port=ctld_port, slurmd_port=slurmd_port,
                                         cpus=self.cpus, memory=max(1024, _memory_mb() - 1024)))
        munge = self.root / "munge"
        self._daemon("munged", [_binary("munged"), "--force", f"--socket={munge}/munge.socket",
                                f"--key-file={key}", f"--pid-file={munge}/munged.pid",
                                f"--log-file={munge}/munged.log", f"--seed-file={munge}/munged.seed"],
                     munge / "munged.pid")
        self._daemon("slurmctld", [_binary("slurmctld"), "-i"], self.root / "slurmctld.pid")
        self._daemon("slurmd", [_binary("slurmd"), "-N", "localhost"], self.root / "slurmd.pid")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.run("sinfo", "--noheader", "--format=%T").stdout.strip()
            if state == "idle":
                return self
            time.sleep(0.5)
        raise RuntimeError(f"the Slurm node did not come up in {timeout:g} s (state {state!r}):\n" + self.logs())

    def _daemon(self, name: str, argv: list[str], pid_file: Path) -> None:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=self.env())
        if done.returncode != 0:
            raise RuntimeError(f"{name} did not start: {done.stderr.strip()}\n" + self.logs())
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text().strip():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} wrote no pid file\n" + self.logs())
            time.sleep(0.1)
        self.pids[name] = int(pid_file.read_text().split()[0])

    def logs(self) -> str:
        parts = []
        for path in (self.root / "log" / "slurmctld.log", self.root / "log" / "slurmd.log",
                     self.root / "munge" / "munged.log"):
            if path.exists():
                parts.append(f"== {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-20:]))
        return "\n".join(parts)

    def jobs(self) -> list[tuple[str, str]]:
        """(job id, state) of every job the node knows, finished ones included."""
        out = self.run("squeue", "--noheader", "--states=all", "--format=%i %T").stdout
        return [(line.split()[0], line.split()[1]) for line in out.splitlines() if line.strip()]

    def active_jobs(self) -> list[str]:
        return [job for job, state in self.jobs() if state in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING")]

    def wait_for_no_jobs(self, timeout: float = 60) -> list[str]:
        """The jobs still active after ``timeout`` s (none, when all ended)."""
        deadline = time.monotonic() + timeout
        while self.active_jobs() and time.monotonic() < deadline:
            time.sleep(0.5)
        return self.active_jobs()

    def stop(self) -> None:
        """Cancel every job, then end slurmd, slurmctld and munged (by pid, SIGKILL if they linger)."""
        if "slurmctld" in self.pids:
            self.run("scancel", "--full", "--user=root", timeout=30)
            self.wait_for_no_jobs(timeout=20)
        for name in ("slurmd", "slurmctld", "munged"):
            pid = self.pids.pop(name, None)
            if pid is None:
                continue
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            deadline = time.monotonic() + 15
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            if Path(f"/proc/{pid}").exists():
                os.kill(pid, signal.SIGKILL)
        for pid in self.processes():  # a job step that outlived its slurmd (they carry its SLURM_CONF)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def processes(self) -> list[int]:
        """Processes other than this one started under this node's configuration: its daemons,
        job steps, and what the jobs started."""
        mine = f"SLURM_CONF={self.conf}".encode()
        found = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit() or int(proc.name) == os.getpid():
                continue
            try:
                if mine in (proc / "environ").read_bytes().split(b"\0"):
                    found.append(int(proc.name))
            except OSError:
                continue
        return found

    def __enter__(self) -> SlurmNode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
