"""Command line: ``python -m paylab release labs/ --out dist/student/`` and friends."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from paylab.errors import PaylabError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``paylab`` command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="paylab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    rel = sub.add_parser("release", help="write student versions of lab notebooks")
    rel.add_argument("sources", nargs="+", help="lab notebooks or folders holding them")
    rel.add_argument("--out", default="dist/student", help="output folder (default: %(default)s)")

    tag = sub.add_parser("tag", help="write nbgrader cell metadata and hide-input tags into instructor labs")
    tag.add_argument("notebooks", nargs="+", help="lab notebooks")

    ed = sub.add_parser("edition", help="write the Jupyter Book config of the student edition of the site")
    ed.add_argument("edition", choices=["student"], help="the edition to configure")
    ed.add_argument("--config", default="_config.yml", help="the instructor config (default: %(default)s)")
    ed.add_argument("--out", default="_build/student/_config.yml", help="where to write (default: %(default)s)")

    tr = sub.add_parser("translate", help="write chapter and lab notebooks in another language from the catalogs")
    tr.add_argument("sources", nargs="*", default=["chapters", "labs"],
                    help="notebooks or folders (default: chapters labs)")
    tr.add_argument("--lang", default="zh_CN", help="language (default: %(default)s)")
    tr.add_argument("--out", default=None, help="output folder (default: dist/<lang>)")

    qs = sub.add_parser("questions", help="list a lab's graded questions")
    qs.add_argument("lab", help="lab id, e.g. lab0")

    args = parser.parse_args(argv)
    try:
        if args.command == "release":
            from paylab.release import release

            for path in release(args.sources, args.out):
                print(f"wrote {path}")
        elif args.command == "tag":
            from paylab.release import tag_nbgrader, tag_solutions

            print(f"tagged {tag_solutions(args.notebooks)} cell(s) hide-input, "
                  f"wrote nbgrader metadata to {tag_nbgrader(args.notebooks)} cell(s)")
        elif args.command == "edition":
            from pathlib import Path

            from paylab.release import student_config

            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(student_config(Path(args.config).read_text(encoding="utf-8")), encoding="utf-8")
            print(f"wrote {out}")
        elif args.command == "translate":
            from paylab.translation import write_translations

            for path in write_translations(args.sources, args.out or f"dist/{args.lang}", args.lang):
                print(f"wrote {path}")
        elif args.command == "questions":
            from paylab.checks import questions

            for q in questions(args.lab):
                print(f"{q.id:24} {q.points:>2} pt  {q.title}")
    except PaylabError as exc:
        print(f"paylab {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
