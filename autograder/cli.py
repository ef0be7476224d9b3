"""The ``deepgrade`` command.

Exit codes: 0 every check passed, 1 some check failed, 2 usage error (unknown
exercise, missing or unreadable file), with a one-line message on stderr; 4 the
grader itself kept failing on the submission (``check --hidden``), which says
nothing about it. ``grade`` exits 1 when the grader failed on some submission.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from .course import Course, CourseError, find_course, nearest_course
from .isolate.backends import backend_names
from .lms.base import sources
from .lms.late import LatePolicyError
from .lms.model import DownloadError
from .lms.roster import RosterError
from .load import SubmissionError
from .run.device import DEVICES
from .run.failure import GraderFailures
from .run.session import Limits

USAGE_ERROR = 2
#: The grader itself failed (retried first): no verdict on the submission.
GRADER_ERROR = 4


def _course(args: argparse.Namespace, start: Path | None = None) -> Course:
    """``--course``, else ``$DEEPGRADE_COURSE``, else the course around the working directory (as
    ``--help`` says), else the one around ``start`` (what the command was given), else the one this
    package was installed from. :func:`_named` says which in the command's output, so no command
    grades against a course the user did not expect (a student's copy of the release beside
    the instructor's course) without saying so."""
    if args.course:
        course, how = Course(args.course), "--course"
    elif os.environ.get("DEEPGRADE_COURSE"):
        course, how = find_course(), "$DEEPGRADE_COURSE"
    elif (here := nearest_course(Path.cwd())) is not None:
        course, how = here, "the working directory"
    elif start is not None and (there := nearest_course(start)) is not None:
        course, how = there, f"around {start}"
    else:
        course, how = find_course(), "the installed package"
    if not course.root.is_dir():
        raise CourseError(f"no course folder at {course.root}")
    args.course_found = f"course {course.root} (from {how})"
    return course


def _named(args: argparse.Namespace) -> str:
    """Which course the command used and how it was found, for its output."""
    return str(getattr(args, "course_found", ""))


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity, which a container or taskset narrows)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _output_folder(path: Path, what: str = "--out") -> Path:
    """A folder the command may write into; a file there is a usage error, said in one line."""
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{what} {path} is a file, not a folder: give a folder (it is created if missing)")
    return path


def cmd_check(args: argparse.Namespace) -> int:
    """A student's self-check runs their code in a plain process (it is their own machine);
    ``--hidden`` is the instructor's check and runs it in the sandbox, as ``grade`` does."""
    from .grade import grade_submission
    from .report import format_result

    course = _course(args, Path(args.submission).resolve().parent)
    if args.hidden:
        result = _check_in_sandbox(Path(args.submission), course.exercise(args.exercise), args.device)
    else:
        result = grade_submission(args.submission, args.exercise, course=course, limits=Limits(device=args.device))
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(format_result(result))
        print(f"\n{_named(args)}")
    return 0 if result.all_passed else 1


def _check_in_sandbox(path: Path, exercise, device: str | None):
    from .isolate.backends import SandboxLimits
    from .isolate.submission import grade_one, submission_files
    from .load import load_program

    # a SubmissionError (a link, an unreadable notebook) is a usage error, as without --hidden
    program = load_program(path, reference=exercise.student_notebook, submitted=True)
    log = lambda text: print(text, file=sys.stderr)  # noqa: E731
    files = submission_files(path, True, exercise.course.rejected_files)
    return grade_one(program, exercise, files, hidden=True, log=log, limits=SandboxLimits(device=device)).result


def cmd_release(args: argparse.Namespace) -> int:
    from .release import release_course

    course = _course(args)
    names = list(args.exercise or [n for n in course.exercise_names if course.exercise(n).has_solution])
    report = release_course(course, args.exercise or None, write=not args.check)
    rel = lambda p: p.relative_to(course.root)  # noqa: E731
    checked = (f"{len(names)} exercise{'' if len(names) == 1 else 's'} ({_span(names)}): each student "
               "notebook and public_checks.json against solutions/, in " + _named(args))
    if args.check:
        for path in report.stale:
            print(f"stale: {rel(path)}")
        if report.stale:
            print(f"checked {checked}: {len(report.stale)} file(s) out of date", file=sys.stderr)
            print("the release is out of date: run `deepgrade release`", file=sys.stderr)
            return 1
        print(f"checked {checked}: up to date")
        return 0
    for path in report.written:
        print(f"wrote {rel(path)}")
    if not report.written:
        print(f"release up to date: {checked}")
    return 0


def _span(names: list[str]) -> str:
    """``ex01_sigmoid, ..., ex10_fine_tuning`` for a long list; every name for a short one."""
    return ", ".join(names) if len(names) <= 3 else f"{names[0]}, ..., {names[-1]}"


def cmd_demo(args: argparse.Namespace) -> int:
    """``deepgrade demo``: ``deepgrade grade`` on the bundled example class, reports in out/demo."""
    from .report import format_result
    from .results import RESULTS_FILE, ClassResults

    course = _course(args)
    examples = Path(args.examples)
    examples = examples if examples.is_absolute() else course.root / examples
    out = course.root / "out" / "demo"
    code = main(["grade", str(examples), "--out", str(out), "--workers", "2", "--course", str(course.root)])
    if args.verbose and (out / RESULTS_FILE).is_file():
        for record in ClassResults.read(out).records:
            print(f"\n== {record.student}\n{format_result(record.result)}")
    return code


def cmd_grade(args: argparse.Namespace) -> int:
    from .batch.cluster_spec import ClusterSpecError

    try:
        return _grade(args)
    except ClusterSpecError as exc:  # a bad --cluster or --cluster-config: a usage error
        print(f"deepgrade: error: {exc}", file=sys.stderr)
        return USAGE_ERROR


def _lms_inputs(args: argparse.Namespace, course: Course):
    """The roster and the late policy a grading or an export reads (their errors: usage errors)."""
    from .lms.late import load_policy
    from .lms.roster import read_roster

    roster = read_roster(Path(args.roster)) if getattr(args, "roster", None) else None
    return roster, load_policy(course.settings)


def inventory_summary(download) -> str:
    """Every file of the download accounted for: counts by fate, then each file not graded."""
    from collections import Counter

    from .lms.model import Fate

    counts = Counter(f.fate for f in download.files)
    lines = [f"download: {download.source or 'unknown source'}, {len(download.files)} file(s): "
             + ", ".join(f"{counts[fate]} {fate.value}" for fate in Fate if counts[fate])]
    for f in download.files:
        if f.fate not in (Fate.GRADED, Fate.RECEIPT):
            who = f" [{f.student}]" if f.student else ""
            lines.append(f"  {f.fate.value}: {f.handed}{who}: {f.why}")
    lines += [f"  note: {n}" for n in download.notes]
    if download.absent:
        lines.append(f"  on the roster, handed in nothing: {', '.join(w.key for w in download.absent)}")
    return "\n".join(lines)


def _grade(args: argparse.Namespace) -> int:
    from .batch import Options, run_batch
    from .batch.cluster_spec import ClusterSpecError, load_config, parse_spec
    from .batch.outputs import remove_stale_imports, remove_stale_pages, write_outputs
    from .isolate.backends import SandboxLimits
    from .report.tables import summary_table
    from .report.text import duration, plural
    from .results import ClassResults

    submissions = Path(args.submissions)
    if not submissions.is_dir() and not (submissions.is_file() and submissions.suffix.lower() == ".zip"):
        raise FileNotFoundError(f"no submissions folder (or download .zip) at {submissions}")
    out = _output_folder(Path(args.out))
    course = _course(args, (submissions if submissions.is_dir() else submissions.parent).resolve())
    roster, late = _lms_inputs(args, course)
    limits = SandboxLimits(call_timeout=args.timeout, memory_bytes=int(args.memory * (1 << 30)))
    if args.cluster_config and not args.cluster:
        raise ClusterSpecError("--cluster-config is the configuration of --cluster slurm or kubernetes: "
                               "give --cluster too")
    if args.cluster:
        parse_spec(args.cluster)  # a bad SPEC or config is a usage error before anything is read or started
        load_config(Path(args.cluster_config) if args.cluster_config else None)
    options = Options(workers=args.workers or usable_cores(), hidden=not args.public_only, device=args.device,
                      limits=limits, backend=args.sandbox, show_data=args.data,
                      exercises=list(args.exercise or []), use_cache=not args.no_cache,
                      cluster=args.cluster, cluster_config=Path(args.cluster_config) if args.cluster_config else None,
                      cluster_workers=args.workers, prewarm=args.prewarm, source=args.source, roster=roster,
                      attempts=args.attempts, late=late)
    from .kinds import ReferenceSolutionError

    try:
        batch = run_batch(course, submissions, out, options)
    except (RuntimeError, ReferenceSolutionError) as exc:  # no sandbox backend, a broken reference
        print(f"deepgrade: error: {exc}", file=sys.stderr)
        return 3
    results = ClassResults(batch.records, batch.sandbox.describe(),
                           batch.download.inventory() if batch.download is not None else None)
    paths = write_outputs(results, out, batch.download, course.settings, roster)
    stale = remove_stale_imports(out, paths.get("import"))
    pages = remove_stale_pages(out, batch.records)
    print(summary_table(batch.records))
    if batch.download is not None:
        print("\n" + inventory_summary(batch.download))
    print(f"\n{plural(len(batch.records), 'submission')}: {batch.graded} graded, {batch.cached} from the cache, "
          f"in {duration(batch.seconds)} ({batch.sandbox.name} sandbox, {plural(options.workers, 'worker')}); "
          f"{_named(args)}")
    retried = sum(1 for r in batch.records if r.grader_tries > 1 and not r.grader_error)
    if retried:
        print(f"{plural(retried, 'submission')} graded again after a grader failure (grader_tries in results.json)")
    if batch.grader_errors:
        print(f"GRADER ERROR: the grader failed on {plural(batch.grader_errors, 'submission')}, not graded "
              "(grader_failure in results.json), not cached: graded again next run")
    written = f", {paths['import']}" if "import" in paths else ""
    if batch.download is not None and "import" not in paths and batch.download.source == "brightspace":
        print(f"no {batch.download.source} import file: its download names students but gives no ids; "
              "grade with --roster (its grades export), or run deepgrade export OUT --to brightspace --roster FILE")
    print(f"wrote {paths['results']}, {paths['grades']}{written}, {paths['gradescope']}/, {paths['feedback']}/, "
          f"{paths['class_html']}")
    for path in stale:
        print(f"removed {path}: an earlier run's import file, whose marks are not this run's "
              "(deepgrade export OUT --to LMS writes one from this run)")
    if pages:
        print(f"removed {len(pages)} feedback page(s) and Gradescope result(s) an earlier run wrote into {out} for "
              f"students or exercises not in this run (e.g. {pages[0].relative_to(out)})")
    nameless = sorted({r.name or r.lms_id for r in batch.records if r.handed.submitter is not None
                       and not r.handed.submitter.id_known})
    if "import" in paths and nameless:
        print(_left_out_line(paths["import"], nameless))
    if batch.grader_errors:
        print(f"deepgrade: the grader itself failed on {plural(batch.grader_errors, 'submission')}; "
              "their message in results.json says so; they will be graded again next run", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``deepgrade export OUT --to LMS``: the LMS's import file from a graded OUT's results.json."""
    from .batch.cache import write_atomic
    from .lms.base import sources
    from .lms.export import EXPORTERS, import_file, left_out
    from .lms.marks import gradebook_from_records, with_roster
    from .results import ClassResults

    out = Path(args.out)
    graded = ClassResults.read(out)
    records = graded.records
    course = _course(args, out.resolve())
    roster, _ = _lms_inputs(args, course)
    book = gradebook_from_records(records)
    source = sources().get(graded.inventory.source) if graded.inventory is not None else None
    if roster is not None and source is not None and not source.has_ids and not any(e.name for e in roster.entries) \
            and any(roster.by_id(s.lms_id) is None for s in book.students):
        # matched by name to none, each student would be written twice: as graded, and at 0 as absent
        raise RosterError(f"{args.roster} gives no names, and {source.name}'s download named its "
                          "students by name only: give a roster with names (Brightspace's grades export with Last "
                          "Name and First Name, or a CSV with id and name)")
    if roster is not None and source is not None and not source.has_ids:
        for s in book.students:  # results.json written before it kept id_known: its names are no ids
            s.id_known = s.id_known and roster.by_id(s.lms_id) is not None
    graded_students = len(book.students)
    unmatched = with_roster(book, roster) if roster is not None else []
    if graded_students and len(unmatched) == graded_students:  # another class's roster, or ids of another kind
        raise RosterError(f"no student of {out} is on {args.roster}: each would be written twice, as graded and "
                          "at 0 as absent; give this class's roster")
    for who in unmatched:
        print(f"deepgrade: {who}: on no roster line (by id or by name)", file=sys.stderr)
    target = Path(args.file) if args.file else out / EXPORTERS[args.to].file_name
    if target.is_dir():
        raise IsADirectoryError(f"--file {target} is a folder: give the file to write")
    write_atomic(target, import_file(args.to, book, course.settings))
    names = left_out(book)
    print(f"wrote {target}: {len(book.students) - len(names)} students, {args.to}'s import file; {_named(args)}")
    if names:
        print(_left_out_line(target, names))
    return 0


def _left_out_line(target: Path, names: list[str]) -> str:
    return (f"not in {target}: {', '.join(names)}: the download names them without an id and no roster line has "
            "their name; enter their marks by hand, or add them to the roster and run deepgrade export")


def cmd_gradescope(args: argparse.Namespace) -> int:
    """``deepgrade gradescope build OUT.zip``: the archive of Gradescope's own autograder."""
    import os

    from .lms.gradescope import build_archive
    from .student import needs_keras

    course = _course(args)
    names = list(args.exercise or course.exercise_names)
    for name in names:
        if not course.exercise(name).has_solution:
            raise CourseError(f"{name} has no solutions/{name}/: Gradescope's autograder needs the hidden checks")
    keras = any(needs_keras(course.exercise(n).checks()) for n in names)
    data = Path(args.data or os.environ.get("DEEPGRADE_DATA") or course.root.parent / "shared" / "data")
    target = Path(args.archive)
    members = build_archive(course, target, names, data if data.is_dir() else None, keras)
    print(f"wrote {target}: {len(members)} files for {', '.join(names)} "
          f"({'with' if keras else 'without'} TensorFlow; data from {data if data.is_dir() else 'nowhere'}); "
          f"{_named(args)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``deepgrade report OUT``: OUT/class.html and class.json again, from OUT/results.json or
    (``--nbgrader COURSE``) from an nbgrader course's gradebook and autograded notebooks."""
    from .batch.outputs import feedback_pages, write_class_report
    from .report.class_report import class_report, class_summary_text, graded_from_records
    from .results import RESULTS_FILE, ClassResults

    out = _output_folder(Path(args.out), "OUT")
    if args.nbgrader:
        from .nbgrader.gradebook import GradebookError, graded_from_gradebook

        try:
            graded = graded_from_gradebook(Path(args.nbgrader))
        except GradebookError as exc:
            raise FileNotFoundError(str(exc)) from exc
        pages: dict[str, str] = {}
    else:
        if not (out / RESULTS_FILE).is_file():
            raise FileNotFoundError(f"no {RESULTS_FILE} in {out}: grade the class first "
                                    f"(deepgrade grade ... --out {out}), or give --nbgrader COURSE")
        graded = graded_from_records(ClassResults.read(out).records)
        pages = feedback_pages(sorted({g.student for g in graded}))
    out.mkdir(parents=True, exist_ok=True)
    paths = write_class_report(graded, out, pages)
    print(class_summary_text(class_report(graded)) + "\n")
    students = len({g.student for g in graded})
    print(f"wrote {paths['class_html']} and {paths['class_json']}: {students} student{'' if students == 1 else 's'}, "
          f"{len(graded)} graded notebook{'' if len(graded) == 1 else 's'}")
    return 0


def _refresh_class_report(out: Path) -> None:
    from .batch.outputs import feedback_pages, write_class_report
    from .report.class_report import graded_from_records
    from .results import ClassResults

    graded = graded_from_records(ClassResults.read(out).records)
    write_class_report(graded, out, feedback_pages(sorted({g.student for g in graded})))


def cmd_integrity(args: argparse.Namespace) -> int:
    """Pairs of submissions more alike than independent work, per exercise: for the instructor to
    judge (it changes no points)."""
    from .integrity.build import build_reports, write_report
    from .integrity.collect import from_nbgrader, from_results

    if args.nbgrader:
        root = Path(args.nbgrader)
        submissions = from_nbgrader(root)
        course = Course(args.course) if args.course else Course(root)
        folder = Path(args.out) if args.out else root / "integrity"
    else:
        if not args.graded:
            raise FileNotFoundError("give the graded folder (deepgrade integrity OUT) or --nbgrader COURSE")
        submissions = from_results(Path(args.graded))
        course = _course(args, Path(args.graded).resolve())
        folder = Path(args.out) if args.out else Path(args.graded)
    _output_folder(folder)
    reports = build_reports(submissions, course)
    paths = write_report(reports, folder)
    if not args.nbgrader and folder == Path(args.graded) and (folder / "class.html").is_file():
        # the class report gains its section on shared work
        _refresh_class_report(folder)
    for report in reports:
        listed = "; ".join(f"{p.a} & {p.b}" for p in report.pairs[:5])
        more = f" (+{len(report.pairs) - 5})" if len(report.pairs) > 5 else ""
        print(f"{report.exercise}: {len(report.pairs)} pair(s) of {report.submissions} submissions"
              + (f": {listed}{more}" if listed else ""))
    print(f"wrote {paths['html']} and {paths['json']} (pairs to look at, not verdicts: no points changed); "
          f"{_named(args)}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line (and where to read more), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("deepgrade")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--course", help="course folder (default: found from the working directory)")
    parser = _Parser(prog="deepgrade", description="Grade deep-learning exercises.")
    parser.add_argument("--version", action="version", version=f"deepgrade {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", parents=[common], help="grade one submission on one exercise")
    check.add_argument("submission", help="a notebook (.ipynb) or a Python module (.py)")
    check.add_argument("--exercise", "-e", required=True, help="exercise name, e.g. ex01_sigmoid")
    check.add_argument("--hidden", action="store_true", help="run the hidden checks too (needs solutions/)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--device", choices=DEVICES, default=None,
                       help="where models train: cpu, gpu, or auto (a GPU when TensorFlow sees one; "
                            "default: $DEEPGRADE_DEVICE, else auto)")
    check.set_defaults(run=cmd_check)

    release = sub.add_parser("release", parents=[common], help="regenerate exercises/ from solutions/")
    release.add_argument("exercise", nargs="*", help="only these exercises")
    release.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    release.set_defaults(run=cmd_release)

    demo = sub.add_parser("demo", parents=[common],
                          help="grade the example class with `grade` (reports in out/demo) and print the points")
    demo.add_argument("--examples", default="examples/class", help="folder of example submissions")
    demo.add_argument("--verbose", "-v", action="store_true", help="print every check's feedback")
    demo.set_defaults(run=cmd_demo)

    grade = sub.add_parser("grade", parents=[common], help="grade a whole class, sandboxed and in parallel")
    grade.add_argument("submissions", help="nbgrader's submitted/ folder, a folder per student, or an LMS download")
    grade.add_argument("--out", "-o", required=True, help="output folder (results, grades.csv, feedback, cache)")
    grade.add_argument("--workers", "-j", type=_positive, default=None,
                       help="submissions graded at once (default: the usable CPU cores, here "
                            f"{usable_cores()}; with --cluster local: its workers)")
    grade.add_argument("--exercise", "-e", action="append", help="only this exercise (repeatable)")
    grade.add_argument("--device", choices=["cpu", "gpu", "auto"], default=None,
                       help="where student models train (default: $DEEPGRADE_DEVICE, else auto)")
    grade.add_argument("--sandbox", choices=["auto", *backend_names()], default="auto",
                       help="sandbox backend (default: the best that works here)")
    grade.add_argument("--data", choices=["auto", "hidden", "visible"], default="auto",
                       help="may student code see the data files? auto and hidden: no (model checks "
                            "send the data themselves and keep the held-out labels)")
    grade.add_argument("--timeout", type=float, default=None, help="cap on every check's wall-clock seconds")
    grade.add_argument("--memory", type=float, default=4.0, help="address space per student process, GiB")
    grade.add_argument("--public-only", action="store_true", help="skip the hidden checks")
    grade.add_argument("--no-cache", action="store_true", help="grade everything again")
    grade.add_argument("--no-prewarm", dest="prewarm", action="store_false",
                       help="start a fresh process (and TensorFlow) for every model submission, instead of "
                            "forking it from a pre-warmed process per slot (bwrap, CPU)")
    grade.add_argument("--cluster", metavar="SPEC", default=None,
                       help="grade on Dask: local[:N] (this machine, N worker processes), tcp://HOST:PORT "
                            "(a running scheduler), slurm or kubernetes (with --cluster-config); needs "
                            "the cluster extra (docs/grading-a-class.md)")
    grade.add_argument("--cluster-config", metavar="FILE", default=None,
                       help="TOML: cores, memory, walltime, gpus, python, prologue, env, sandbox, "
                            "job_extra_directives... of --cluster slurm or kubernetes")
    grade.add_argument("--from", dest="source", default=None, choices=list(sources()),
                       help="the download's source (default: detected from the file names)")
    grade.add_argument("--roster", metavar="FILE", default=None,
                       help="the class list as the LMS exports it (or a CSV with id,name): every student on it "
                            "gets a row; Brightspace's names get their ids")
    grade.add_argument("--attempts", choices=["latest", "best"], default="latest",
                       help="several attempts of one exercise: grade the latest (default), or grade each and "
                            "keep the best")
    grade.set_defaults(run=cmd_grade)

    export = sub.add_parser("export", parents=[common], help="write an LMS's grade import file from a graded OUT")
    export.add_argument("out", help="the --out folder of deepgrade grade")
    export.add_argument("--to", required=True, choices=["canvas", "moodle", "blackboard", "brightspace"])
    export.add_argument("--roster", metavar="FILE", default=None,
                        help="the LMS's roster: ids the download lacked (SIS ids, OrgDefinedId) and a row for "
                             "every student")
    export.add_argument("--file", default=None, help="where to write it (default: OUT/<lms>-....csv)")
    export.set_defaults(run=cmd_export)

    gradescope = sub.add_parser("gradescope", parents=[common], help="Gradescope's own autograder")
    gs_sub = gradescope.add_subparsers(dest="gradescope_command", required=True)
    build = gs_sub.add_parser("build", parents=[common], help="write the autograder archive for a Gradescope "
                                                             "programming assignment")
    build.add_argument("archive", help="the .zip to write (upload it as the assignment's autograder)")
    build.add_argument("--exercise", "-e", action="append", help="only this exercise (repeatable; default all)")
    build.add_argument("--data", default=None, help="the data folder to bundle (default: $DEEPGRADE_DATA, else "
                                                    "../shared/data beside the course)")
    build.set_defaults(run=cmd_gradescope)

    report = sub.add_parser("report", parents=[common],
                            help="the class report (OUT/class.html, class.json): the class's mistakes, ranked")
    report.add_argument("out", help="the --out folder of deepgrade grade (with --nbgrader: where to write)")
    report.add_argument("--nbgrader", metavar="COURSE", default=None,
                        help="read an nbgrader course's gradebook.db and autograded/ notebooks instead")
    report.set_defaults(run=cmd_report)

    integrity = sub.add_parser("integrity", parents=[common],
                               help="pairs of submissions that share code beyond the release, or trained "
                                    "models that make the same mistakes (after grade or nbgrader autograde)")
    integrity.add_argument("graded", nargs="?", help="the OUT folder of `deepgrade grade`")
    integrity.add_argument("--nbgrader", metavar="COURSE", help="an nbgrader course after autograde, instead of OUT")
    integrity.add_argument("--out", "-o", default=None,
                           help="where integrity.html and integrity.json go (default: OUT, or COURSE/integrity)")
    integrity.set_defaults(run=cmd_integrity)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .quiet import quiet_tensorflow

    quiet_tensorflow()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    # A download with nothing to grade, an unreadable roster or late policy: usage errors too.
    # A file where a folder belongs (or the reverse), a place the user may not write: said in one line.
    except (SubmissionError, CourseError, FileNotFoundError, DownloadError, RosterError, LatePolicyError,
            NotADirectoryError, IsADirectoryError, FileExistsError, PermissionError) as exc:
        print(f"deepgrade: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:  # Ctrl-C: what the command started has been ended by its finally blocks
        print("deepgrade: interrupted", file=sys.stderr)
        return 130
    except GraderFailures as exc:  # the grader's own failure, retried: no verdict on the code
        print(f"deepgrade: GRADER ERROR: {exc}; this says nothing about the submission: run it again",
              file=sys.stderr)
        return GRADER_ERROR


if __name__ == "__main__":
    sys.exit(main())
