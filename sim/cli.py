"""The ``debtsim`` command line: argument parsing and printing only; the API does the work.

Exit codes: 0 success, 2 bad input (file, key, value, argument) with one message on stderr,
1 anything else.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sim import __version__
from sim.core.errors import ConfigError, DebtsimError, UsageError
from sim.core.safe_text import clip, printable

if TYPE_CHECKING:
    from sim.experiment.options import Options

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2
MESSAGE_LIMIT = 1000  # characters of an error message (values in it are shortened already)


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of exiting, so main() owns the exit code."""

    _words: Sequence[str] = ()

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._words = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("debtsim").strip()
        if "required: scenario" in message and "--variant" in self._words:
            message += (
                " (--variant takes every name after it: put the scenario before --variant, "
                "or end the names with --)"
            )
        raise UsageError(f"{command}: {message}" if command else message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _scenario_options(parser: argparse.ArgumentParser, reps_help: str) -> None:
    """The options every command that runs a scenario shares: they mean the same everywhere."""
    parser.add_argument("scenario", help="scenario file or catalogue name")
    parser.add_argument("--reps", type=_positive_int, help=reps_help)
    parser.add_argument("--seed", type=_seed, help="root seed")
    parser.add_argument("--horizon-days", type=_positive_float, help="simulated days per run")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting, e.g. systems.ranker.policy.epsilon=0.2",
    )
    _variant_option(parser)
    parser.add_argument("--jobs", type=_positive_int, default=1, help="workers")
    parser.add_argument(
        "--executor",
        choices=["serial", "processes", "dask"],
        help="serial, local worker processes, or Dask (a TLS LocalCluster unless --scheduler); "
        "default: processes with --jobs > 1, else serial",
    )
    parser.add_argument(
        "--scheduler", help="Dask scheduler address, e.g. tls://10.0.0.5:8786 (--executor dask)"
    )
    parser.add_argument(
        "--scheduler-timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="seconds the --scheduler has to answer (default 10)",
    )
    parser.add_argument(
        "--dashboard", action="store_true", help="serve the Dask dashboard (--executor dask)"
    )
    parser.add_argument("--out", help="output folder (default runs/<scenario>-<kind>-<time>)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar or log lines")
    parser.add_argument(
        "--force",
        action="store_true",
        help="run even what the up-front estimate says cannot fit this machine",
    )


def _variant_option(parser: argparse.ArgumentParser) -> None:
    """``--variant a b`` and ``--variant a --variant b`` both select variants a and b."""
    parser.add_argument(
        "--variant",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME",
        help="only these variants (--variant a b, or --variant a --variant b)",
    )


def _options(args: argparse.Namespace, kind: str) -> Options:
    """The experiment options of a parsed command line (checked: bad values exit 2)."""
    from sim.experiment.options import SCHEDULER_TIMEOUT, Options

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "" if kind == "run" else f"-{kind}"
    out = (
        Path(args.out) if args.out else Path("runs") / f"{Path(args.scenario).stem}{suffix}-{stamp}"
    )
    return Options.make(
        reps=args.reps,
        seed=args.seed,
        horizon_days=args.horizon_days,
        overrides=args.set,
        variants=args.variant,
        jobs=args.jobs,
        executor=args.executor,
        scheduler=args.scheduler,
        out=out,
        progress=not args.no_progress,
        dashboard=args.dashboard,
        quick=getattr(args, "quick", False),
        force=args.force,
        scheduler_timeout=args.scheduler_timeout or SCHEDULER_TIMEOUT,
    )


def _say(text: str = "", file: Any = None) -> None:
    """Print a line: every non-printing character escaped (text from files never reaches the
    terminal raw)."""
    print(printable(text, newlines=True), file=file or sys.stdout)


def _log(line: str) -> None:
    _say(line, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="debtsim", description="Simulate the hidden technical debt of ML systems."
    )
    parser.add_argument("--version", action="version", version=f"debtsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run a scenario's variants × replicates")
    _scenario_options(run, "replicates per variant")
    run.add_argument(
        "--quick",
        action="store_true",
        help="the scenario's [quick] preset: fewer replicates, a shorter horizon (to show live)",
    )

    sweep = sub.add_parser("sweep", help="run a parameter grid × variants × replicates")
    _scenario_options(sweep, "replicates per point and variant")
    sweep.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="a swept setting and its values (several --grid: the full product)",
    )
    sweep.add_argument("--design", help="CSV of grid points: a header of keys, one row per point")
    sweep.add_argument(
        "--seeding",
        choices=["common", "independent"],
        default="common",
        help="common: replicate r shares its seed across points and variants",
    )
    sweep.add_argument(
        "--metric",
        action="append",
        default=[],
        help="metric (or metric:entity) to draw; default: the scenario's panels",
    )

    cace = sub.add_parser("cace", help="perturb settings one at a time; measure every output")
    _scenario_options(cace, "replicates (paired by seed)")
    cace.add_argument(
        "--perturb",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one perturbation (repeat for several); each is compared alone",
    )

    check = sub.add_parser("check", help="validate scenarios without running them")
    check.add_argument("scenarios", nargs="+", help="scenario files or catalogue names")
    check.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    _variant_option(check)

    sub.add_parser("list", help="list the scenario catalogue")

    explain = sub.add_parser("explain", help="print a scenario's teaching narrative")
    explain.add_argument("scenario")

    reproduce = sub.add_parser("reproduce", help="regenerate the committed figures")
    reproduce.add_argument("scenarios", nargs="*", help="only these scenarios (default: all)")
    reproduce.add_argument("--out", default="figures", help="folder for the figures")
    reproduce.add_argument("--jobs", type=_positive_int, default=1)
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.experiment.api import run_with
    from sim.experiment.progress import progress_counter
    from sim.report.console import headline_lines, not_applied_lines, plural

    options = _options(args, "run")
    name = Path(args.scenario).stem
    with progress_counter(name, options.progress, _log) as progress:
        result = run_with(args.scenario, options, on_progress=progress)
    manifest = result.manifest
    variants = list(manifest["variants"])
    if result.nothing_to_do:
        _say(f"{options.out} already holds this run (same arguments, same scenario): nothing to do")
    else:
        reused = f" ({result.reused} read back from an earlier session)" if result.reused else ""
        _say(
            f"{manifest['scenario']}: {plural(len(variants), 'variant')} × "
            f"{plural(manifest['replicates'], 'replicate')}{reused} in "
            f"{manifest['wall_seconds']:.1f} s on {manifest['executor']} → {options.out}"
        )
    _print(not_applied_lines(manifest.get("overrides_not_applied", {})))
    _print(headline_lines(result.summary, variants, list(result.figure_spec.get("panels", []))))
    return EXIT_OK


def _print(lines: list[str]) -> None:
    for line in lines:
        _say(line)


def _cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiment.progress import progress_counter
    from sim.experiment.sweep_api import sweep_with
    from sim.experiment.sweep_plan import parse_grid
    from sim.report.console import NO_CI, not_applied_lines, plural

    if bool(args.grid) == bool(args.design):
        raise UsageError("sweep: give --grid KEY=V1,V2,... (one or more) or --design FILE.csv")
    grid = parse_grid(args.grid) if args.grid else None
    options = _options(args, "sweep")
    with progress_counter(f"{Path(args.scenario).stem} sweep", options.progress, _log) as progress:
        result = sweep_with(
            args.scenario,
            options,
            grid=grid,
            design=args.design,
            seeding=args.seeding,
            panels=args.metric,
            on_progress=progress,
        )
    if result.nothing_to_do:
        _say(f"{options.out} already holds this sweep (same arguments): nothing to do")
        return EXIT_OK
    manifest = result.manifest
    _say(
        f"{manifest['scenario']}: {plural(len(manifest['points']), 'point')} × "
        f"{plural(len(manifest['variants']), 'variant')} × "
        f"{plural(manifest['replicates'], 'replicate')} → {options.out}"
    )
    _print(not_applied_lines(manifest.get("keys_not_applied", {}), prefix=""))
    if manifest["replicates"] == 1:
        _say(NO_CI)
    return EXIT_OK


def _cmd_cace(args: argparse.Namespace) -> int:
    from sim.experiment.cace import cace_with
    from sim.experiment.progress import progress_counter
    from sim.report.console import NO_CI, plural

    if not args.perturb:
        raise UsageError("cace: give at least one --perturb KEY=VALUE")
    options = _options(args, "cace")
    with progress_counter(f"{Path(args.scenario).stem} cace", options.progress, _log) as progress:
        result = cace_with(args.scenario, args.perturb, options, on_progress=progress)
    if result.nothing_to_do:
        _say(f"{options.out} already holds this study (same arguments): nothing to do")
    changes = result.changes
    moved = changes[(changes["ci_low"] > 0) | (changes["ci_high"] < 0)]
    replicates = result.manifest["replicates"]
    _say(
        f"{result.manifest['scenario']} ({result.manifest['variant']}): "
        f"{plural(len(args.perturb), 'perturbation')} × "
        f"{plural(replicates, 'paired replicate')} → {options.out}"
    )
    if replicates == 1:
        _say(f"{NO_CI}: no output can be shown to move (cace.csv holds the changes)")
        return EXIT_OK
    for perturbation in args.perturb:
        rows = moved[moved["perturbation"] == perturbation]
        rows = rows.reindex(rows["relative_change"].abs().sort_values(ascending=False).index)
        moved_outputs = plural(len(rows), "output")
        _say(f"\n{perturbation}: {moved_outputs} moved (95% CI excludes 0)")
        for _, row in rows.head(8).iterrows():
            output = f"{row['system']}:{row['metric']}" + (
                f":{row['entity']}" if row["entity"] else ""
            )
            _say(f"  {output:40s} {row['change']:+.4g}  ({row['relative_change']:+.1%})")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from sim.experiment.preflight import check_runnable
    from sim.report.console import not_applied_lines, plural
    from sim.scenario.resolve import load_scenario

    for name in args.scenarios:
        scenario = load_scenario(name, args.set, args.variant or None)
        check_runnable(scenario, args.set, complete=not args.variant)
        preset = ""
        if scenario.quick.declared:
            quick = load_scenario(name, args.set, args.variant or None, quick=True)
            check_runnable(quick, args.set, complete=not args.variant)
            preset = (  # the preset validates too
                f"; --quick: {plural(quick.meta.replicates, 'replicate')} × "
                f"{quick.meta.horizon_days:g} days"
            )
        _say(
            f"ok  {scenario.source}: {plural(len(scenario.configs), 'variant')} "
            f"({', '.join(scenario.variants)}){preset}"
        )
        _print(not_applied_lines(scenario.not_applied))
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    from sim.experiment.timing import expected_time, read_timings
    from sim.scenario.loader import catalogue
    from sim.scenario.resolve import load_scenario

    for name, path in sorted(catalogue().items()):
        try:
            title = printable(load_scenario(path).meta.title)
        except ConfigError as error:
            title = f"(invalid: {_message(error)})"
        _say(f"{name:28s} {title}")
        _say(f"{'':28s} expected time: {expected_time(read_timings(name))}")
    _say(
        "(expected time: wall time of the run and its figure, measured by debtsim reproduce "
        "and stored in figures/data/<scenario>.timing.json)"
    )
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from sim.scenario.resolve import load_scenario

    scenario = load_scenario(args.scenario)
    t = scenario.teaching
    _say(f"{printable(scenario.name)} — {printable(scenario.meta.title)}")
    if scenario.meta.paper_section:
        _say(f"Paper section: {printable(scenario.meta.paper_section)}")
    for heading, body in (
        ("What it shows", t.summary),
        ("Mechanism", t.mechanism),
        ("In the figure", t.look_at),
        ("Mitigations", t.mitigations),
    ):
        if body.strip():
            _say(f"\n{heading}\n" + textwrap.fill(" ".join(body.split()), 88))
    _say("\nVariants")
    for name in scenario.variants:
        _say(f"  {printable(name):16s} {printable(scenario.descriptions.get(name, ''))}")
    if t.questions:
        _say("\nQuestions")
        for i, q in enumerate(t.questions, 1):
            _say(textwrap.fill(q, 88, initial_indent=f"  {i}. ", subsequent_indent="     "))
    if t.reading:
        _say("\nReading")
        for ref in t.reading:
            _say(f"  - {printable(ref)}")
    _say(f"\nRun it: debtsim run {scenario.name}")
    if scenario.quick.declared:
        _say(f"Live, in a few seconds: debtsim run {scenario.name} --quick")
    return EXIT_OK


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from sim.experiment.reproduce import reproduce

    for path in reproduce(args.scenarios or None, Path(args.out), jobs=args.jobs):
        _say(f"wrote {path}")
    return EXIT_OK


_COMMANDS = {
    "run": _cmd_run,
    "sweep": _cmd_sweep,
    "cace": _cmd_cace,
    "check": _cmd_check,
    "list": _cmd_list,
    "explain": _cmd_explain,
    "reproduce": _cmd_reproduce,
}


def _message(error: BaseException) -> str:
    """An error as one line: escaped, within :data:`MESSAGE_LIMIT` characters."""
    return printable(clip(str(error), MESSAGE_LIMIT))


def _terminate(signum: int, frame: Any) -> NoReturn:
    """SIGTERM stops a command as Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    import signal
    import threading

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except (ConfigError, UsageError) as error:
        _say(f"debtsim: error: {_message(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DebtsimError as error:  # e.g. tasks that failed (their results are kept)
        _say(f"debtsim: {_message(error)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        _say(
            "debtsim: interrupted; finished tasks are kept in the output folder: the same "
            "command resumes",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
