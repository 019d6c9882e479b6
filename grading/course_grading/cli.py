"""The ``course`` command: release chapters, grade a class safely, return feedback, export."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from traitlets import Bool

from course_grading.batch import Report, grade
from course_grading.course import GradingError, chapter_ids, find_course
from course_grading.exchange import collect, export, export_to_lms, release, release_feedback
from course_grading.lms import EXPORTERS, export_options
from course_grading.settings import help_text, options
from course_grading.shards import merge_shards, parse_shard
from course_grading.status import STATUSES


def shard_type(text: str) -> tuple[int, int]:
    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class HelpAll(argparse.Action):
    """``--help-all``: the options, then every ``CourseGrade`` setting of nbgrader_config.py."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, **kw):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, **kw)

    def __call__(self, parser, namespace, values, option_string=None):
        parser.print_help()
        print("\nSettings in nbgrader_config.py (c.CourseGrade.<name>; the options override them):")
        print(help_text())
        parser.exit()


def print_report(report: Report, stream=None) -> None:
    """What a run did, after its progress (which began with the sandbox line)."""
    stream = stream or sys.stdout
    counts = {status: 0 for status in STATUSES}
    for result in report.results:
        counts[str(result.status)] += 1
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    seconds = report.seconds / max(len(report.results), 1)
    print(
        f"{len(report.results)} submissions in {report.seconds:.0f} s ({seconds:.1f} s each): "
        f"{summary}",
        file=stream,
    )
    for result in report.problems():
        print(
            f"  {result.student_id} ({result.file}): {result.status}: {result.reason}", file=stream
        )
    print(f"grades: {report.grades_csv}", file=stream)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="course",
        description="Release chapters, grade a class safely, return feedback, export grades.",
    )
    parser.add_argument("--course", default=".", help="the course directory (default: here)")
    commands = parser.add_subparsers(dest="command", required=True)
    release_parser = commands.add_parser("release", help="regenerate chapters/ (and release)")
    release_parser.add_argument("chapters", nargs="*", help="chapter ids (default: all)")
    release_parser.add_argument("--exchange", help="nbgrader exchange folder to release into")
    grade_parser = commands.add_parser("grade", help="autograde a class's submissions")
    grade_parser.add_argument(
        "--help-all", action=HelpAll, help="also list the CourseGrade settings"
    )
    grade_parser.add_argument("chapter")
    grade_parser.add_argument("submissions", help="folder of notebooks or students, or a zip")
    for name, trait in options().items():  # each setting of CourseGrade that is an option
        flags = trait.metadata["option"].split()
        if isinstance(trait, Bool):
            grade_parser.add_argument(*flags, dest=name, action="store_true", help=trait.help)
        else:
            grade_parser.add_argument(*flags, dest=name, metavar=name.upper(), help=trait.help)
    grade_parser.set_defaults(**dict.fromkeys(options()))  # None: as nbgrader_config.py says
    grade_parser.add_argument("--regexp", help="nbgrader FileNameCollector named_regexp")
    grade_parser.add_argument("--output", help="grades CSV (default: <course>/grades.csv)")
    grade_parser.add_argument(
        "--shard",
        type=shard_type,
        help="K/N: grade only the K-th of N slices of the students, into --shard-dir "
        "(merge the N folders with `course merge`)",
    )
    grade_parser.add_argument(
        "--shard-dir", help="a shard's results folder (default: shard-<chapter>-K-of-N)"
    )
    merge_parser = commands.add_parser(
        "merge", help="merge shard folders into the gradebook and grades.csv"
    )
    merge_parser.add_argument("folders", nargs="+", help="folders of `course grade --shard`")
    merge_parser.add_argument("--output", help="grades CSV (default: <course>/grades.csv)")
    collect_parser = commands.add_parser("collect", help="collect submissions from the exchange")
    collect_parser.add_argument("chapter")
    collect_parser.add_argument("--exchange", required=True)
    feedback_parser = commands.add_parser("feedback", help="release feedback to the exchange")
    feedback_parser.add_argument("chapter")
    feedback_parser.add_argument("--exchange", required=True)
    export_parser = commands.add_parser("export", help="export the gradebook (nbgrader export)")
    export_parser.add_argument(
        "--to", help="CSV file (default: <course>/gradebook.csv, or <course>/<format>.csv)"
    )
    export_parser.add_argument(
        "--format", choices=sorted(EXPORTERS), help="the CSV this LMS's grade import reads"
    )
    export_parser.add_argument("chapters", nargs="*", help="with --format (default: all graded)")
    for name, trait in export_options().items():  # each setting of the LMS exporters
        flag, action = trait.metadata["option"], "store_true" if isinstance(trait, Bool) else None
        metavar = {} if action else {"metavar": name.upper()}
        export_parser.add_argument(flag, dest=name, action=action, help=trait.help, **metavar)
    export_parser.set_defaults(**dict.fromkeys(export_options()))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``course`` command."""
    arguments = parse_arguments(argv)
    # nbgrader's Gradebook trips SQLAlchemy's "not in session" autoflush warnings; the gradebook
    # is written all the same (the grading self-test reads every score back from it).
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        course = find_course(arguments.course)
        if arguments.command == "release":
            done = release(course, arguments.chapters or chapter_ids(course), arguments.exchange)
            print(f"released {', '.join(done)}")
        elif arguments.command == "grade":
            report = grade(
                course,
                arguments.chapter,
                arguments.submissions,
                regexp=arguments.regexp,
                output=arguments.output,
                shard=arguments.shard,
                shard_dir=arguments.shard_dir,
                **{name: getattr(arguments, name) for name in options()},
            )
            print_report(report)
        elif arguments.command == "merge":
            grades_csv, results = merge_shards(course, arguments.folders, arguments.output)
            shards = len({os.path.realpath(folder) for folder in arguments.folders})
            print(f"merged {len(results)} results of {shards} shards: {grades_csv}")
        elif arguments.command == "collect":
            print(f"collected into {collect(course, arguments.chapter, arguments.exchange)}")
        elif arguments.command == "feedback":
            release_feedback(course, arguments.chapter, arguments.exchange)
            print(f"released the feedback of {arguments.chapter}")
        elif arguments.command == "export" and arguments.format:
            given = {name: getattr(arguments, name) for name in export_options()}
            written, notices = export_to_lms(
                course, arguments.format, arguments.chapters, arguments.to, **given
            )
            for notice in notices:
                print(f"check before uploading: {notice}")
            print(f"exported {', '.join(written)} for {arguments.format}")
        elif arguments.command == "export":
            if arguments.chapters or any(getattr(arguments, n) for n in export_options()):
                raise GradingError("chapters and LMS options go with --format")
            print(f"exported {export(course, arguments.to)}")
    except GradingError as error:
        print(f"course: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
