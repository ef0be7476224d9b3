"""The ``deepgrade`` command.

Exit codes: 0 every check passed, 1 some check failed, 2 usage error (unknown
exercise, missing or unreadable file), with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .course import Course, CourseError, find_course
from .load import SubmissionError
from .run.device import DEVICES, device_env

USAGE_ERROR = 2


def _course(args: argparse.Namespace, start: Path | None = None) -> Course:
    return Course(args.course) if args.course else find_course(start)


def cmd_check(args: argparse.Namespace) -> int:
    from .grade import grade_submission
    from .report import format_result

    if args.device:
        os.environ.update(device_env(args.device))
    course = _course(args, Path(args.submission).resolve().parent)
    result = grade_submission(args.submission, args.exercise, hidden=args.hidden, course=course)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(format_result(result))
    return 0 if result.all_passed else 1


def cmd_release(args: argparse.Namespace) -> int:
    from .release import release_course

    course = _course(args)
    report = release_course(course, args.exercise or None, write=not args.check)
    rel = lambda p: p.relative_to(course.root)  # noqa: E731
    if args.check:
        for path in report.stale:
            print(f"stale: {rel(path)}")
        if report.stale:
            print("the release is out of date: run `deepgrade release`", file=sys.stderr)
        return 1 if report.stale else 0
    for path in report.written:
        print(f"wrote {rel(path)}")
    if not report.written:
        print("release up to date")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import grade_examples

    return grade_examples(_course(args), Path(args.examples), verbose=args.verbose)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", help="course folder (default: found from the working directory)")
    parser = argparse.ArgumentParser(prog="deepgrade", description="Grade deep-learning exercises.")
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

    demo = sub.add_parser("demo", parents=[common], help="grade the example class and print a table of points")
    demo.add_argument("--examples", default="examples/class", help="folder of example submissions")
    demo.add_argument("--verbose", "-v", action="store_true", help="print every check's feedback")
    demo.set_defaults(run=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .quiet import quiet_tensorflow

    quiet_tensorflow()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (SubmissionError, CourseError, FileNotFoundError) as exc:
        print(f"deepgrade: error: {exc}", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
