"""proversim from Python: run, sweep, compare and settle, results as polars
frames.

Every function calls the same library as the ``proversim`` command line and
gives the same numbers: ``run(path, seed=3)`` returns what
``proversim run path --seed 3`` writes. Tables cross as the Parquet files
the library writes, read by polars into memory (one read, no conversion,
the exact columns and types of the files).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

import polars as pl

from . import _native
from .errors import ScenarioError, TraceError

__all__ = [
    "run",
    "sweep",
    "compare",
    "settle",
    "validate",
    "booster",
    "BoosterResult",
    "t_quantile",
    "RunResult",
    "CompareResult",
    "ScenarioError",
    "TraceError",
]

Source = Union[str, "os.PathLike[str]", Mapping[str, Any]]
Progress = Union[bool, Callable[[int, int], None], None]

_RUN_TABLES = ("epochs", "provers", "submissions", "events", "bridging", "agents")


def _source(scenario: Source):
    """(path, TOML text) of a scenario given as a path or a dict."""
    if isinstance(scenario, Mapping):
        return None, _native.dict_to_toml(json.dumps(scenario))
    if isinstance(scenario, (str, os.PathLike)):
        return os.fspath(scenario), None
    raise TypeError(f"expected a path or a dict, found {type(scenario).__name__}")


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(v)


def _sets(overrides: Union[Mapping[str, Any], List[str], None]) -> List[str]:
    """``--set`` overrides from a dict (``{"epochs": 200}``) or strings."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [f"{k}={_toml_value(v)}" for k, v in overrides.items()]
    return [str(s) for s in overrides]


class _Bar:
    """A progress bar: tqdm's (as a notebook widget where it can) if
    installed; else a line redrawn in place on a terminal, or a plain line
    at each tenth of the work when stderr is a log. Never past its total."""

    def __init__(self, unit: str):
        self.unit = unit
        self.bar = None
        self.tty = sys.stderr.isatty()
        self.next = 0
        try:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=0, unit=unit, leave=False)
        except ImportError:
            pass

    def __call__(self, done: int, total: int) -> None:
        if total:
            done = min(done, total)
        if self.bar is not None:
            self.bar.total = total
            self.bar.n = done
            self.bar.refresh()
        elif self.tty:
            sys.stderr.write(f"\r{done}/{total} {self.unit}")
            sys.stderr.flush()
        elif done >= self.next:
            sys.stderr.write(f"{done}/{total} {self.unit}\n")
            sys.stderr.flush()
            self.next = total + 1 if done >= total else done + max(1, total // 10)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.tty:
            sys.stderr.write("\r\033[K")


def _with_progress(progress: Progress, unit: str, call: Callable[[Any], Any]) -> Any:
    if progress is True:
        bar = _Bar(unit)
        try:
            return call(bar)
        finally:
            bar.close()
    return call(progress if callable(progress) else None)


class RunResult:
    """One run: ``summary`` (the dict of ``summary.json``), its tables as
    polars DataFrames (``epochs``, ``provers``, ``submissions``, ``events``,
    ``bridging``, ``agents``) and ``trace`` (the replay trace's TOML text,
    when asked: what ``settle`` reads, amounts exact as strings;
    ``tomllib.loads`` makes it a dict)."""

    summary: Dict[str, Any]
    epochs: pl.DataFrame
    provers: pl.DataFrame
    submissions: pl.DataFrame
    events: pl.DataFrame
    bridging: pl.DataFrame
    agents: pl.DataFrame
    trace: Optional[str]

    def __init__(self, summary, tables, trace):
        self.summary = summary
        for name, frame in tables.items():
            setattr(self, name, frame)
        self.trace = trace

    def __repr__(self) -> str:
        return (
            f"RunResult({self.summary.get('scenario')!r}, seed {self.summary.get('seed')}, "
            f"{self.epochs.height} epochs, liveness {self.summary.get('liveness')})"
        )


def run(
    scenario: Source,
    *,
    seed: Optional[int] = None,
    set: Union[Mapping[str, Any], List[str], None] = None,
    trace: bool = False,
    progress: Progress = False,
) -> RunResult:
    """Runs a scenario (a file's path, or a dict in the file's shape).

    ``seed`` replaces the scenario's seed; ``set`` overrides keys as
    ``--set`` does (``{"epochs": 200}`` or ``["epochs=200"]``); ``trace``
    also returns the replay trace. Raises ``ScenarioError`` for a bad
    scenario. Ctrl-C stops the run (``KeyboardInterrupt``).
    """
    path, text = _source(scenario)
    with tempfile.TemporaryDirectory(prefix="proversim-run-") as out:
        summary, trace_text = _with_progress(
            progress,
            "epochs",
            lambda cb: _native.run(path, text, os.getcwd(), seed, _sets(set), trace, out, cb),
        )
        tables = {t: pl.read_parquet(Path(out, f"{t}.parquet")) for t in _RUN_TABLES}
        # The file the command line writes, byte for byte.
        summary = json.loads(Path(out, "summary.json").read_text())
    return RunResult(summary, tables, trace_text)


def sweep(
    sweep: Source,
    *,
    set: Union[Mapping[str, Any], List[str], None] = None,
    threads: Optional[int] = None,
    progress: Progress = True,
) -> pl.DataFrame:
    """Runs a sweep (a sweep file's path, or a dict in its shape) and
    returns its table (``sweep.parquet``): one row per run, its swept values,
    seed, status and metrics. ``set`` overrides keys of the base scenario
    before the grid, as ``--set`` does (``{"epochs": 50}``). ``threads``
    defaults to one per core."""
    path, text = _source(sweep)
    with tempfile.TemporaryDirectory(prefix="proversim-sweep-") as out:
        _with_progress(
            progress,
            "runs",
            lambda cb: _native.sweep(
                path, text, os.getcwd(), _sets(set), threads or 0, out, cb
            ),
        )
        return pl.read_parquet(Path(out, "sweep.parquet"))


class CompareResult:
    """A paired comparison: ``runs`` (``compare.parquet``: scenario,
    replicate, seed, status and every metric), ``intervals`` (a frame of
    each metric's means, paired difference and its 95% interval) and
    ``json`` (``compare.json`` as a dict)."""

    def __init__(self, runs: pl.DataFrame, doc: Dict[str, Any]):
        self.runs = runs
        self.json = doc
        self.intervals = pl.DataFrame(
            [{"metric": k, **v} for k, v in doc.get("metrics", {}).items()]
        )

    def __repr__(self) -> str:
        return f"CompareResult({self.json.get('a')!r} against {self.json.get('b')!r}, {self.json.get('replicates')} replicates)"


def compare(
    a: Source,
    b: Source,
    *,
    replicates: int = 10,
    seed: Optional[int] = None,
    set: Union[Mapping[str, Any], List[str], None] = None,
    set_a: Union[Mapping[str, Any], List[str], None] = None,
    set_b: Union[Mapping[str, Any], List[str], None] = None,
    threads: Optional[int] = None,
    progress: Progress = True,
) -> CompareResult:
    """Runs scenarios ``a`` and ``b`` on the same ``replicates`` seeds and
    returns the paired table and intervals, as ``proversim compare``."""
    with tempfile.TemporaryDirectory(prefix="proversim-compare-") as out:
        _with_progress(
            progress,
            "runs",
            lambda cb: _native.compare(
                _source(a),
                _source(b),
                os.getcwd(),
                replicates,
                seed,
                _sets(set),
                _sets(set_a),
                _sets(set_b),
                threads or 0,
                out,
                cb,
            ),
        )
        runs = pl.read_parquet(Path(out, "compare.parquet"))
        doc = json.loads(Path(out, "compare.json").read_text())
    return CompareResult(runs, doc)


def settle(trace: Union[str, "os.PathLike[str]"]) -> Dict[str, Any]:
    """Settles a replay trace (a path, or the trace's TOML text) by the exact
    rules and returns the ``settle`` command's JSON as a dict. Raises
    ``TraceError`` for a bad trace."""
    text = os.fspath(trace)
    if "\n" in text or "[params]" in text:
        out = _native.settle(None, text)
    else:
        out = _native.settle(text, None)
    return json.loads(out)


def validate(
    scenario: Source,
    *,
    set: Union[Mapping[str, Any], List[str], None] = None,
) -> int:
    """Checks a scenario or sweep without running it; raises
    ``ScenarioError`` listing every problem. Returns the number of scenarios
    checked (a sweep's cells)."""
    path, text = _source(scenario)
    return _native.validate(path, text, os.getcwd(), _sets(set))


class BoosterResult:
    """A booster's constants as run (``constants``, defaults filled in), its
    figures (``figures``: the ``booster --format json`` dict) and the lines of its charts (``lines``: a frame with columns
    ``chart``, ``series``, ``x``, ``y``; charts ``booster-curve``,
    ``booster-newcomer`` and ``booster-misses``)."""

    constants: Dict[str, Any]
    figures: Dict[str, Any]
    lines: pl.DataFrame

    def __init__(self, constants: Dict[str, Any], figures: Dict[str, Any], lines: pl.DataFrame):
        self.constants = constants
        self.figures = figures
        self.lines = lines

    def __repr__(self) -> str:
        return f"BoosterResult({len(self.figures)} figures, {self.lines.height} points)"


def booster(**constants: Any) -> BoosterResult:
    """A booster's figures and curves, computed by the protocol's own
    booster functions (no simulation, a few milliseconds). ``constants``
    are the keys of a scenario's ``[booster]`` table (``rule``,
    ``increment``, ``max_score``, ``a``, ``minimum``, ``k``,
    ``decay_per_epoch``, ``max_streak``, ``base``, ``growth_ppm``, ``decay``,
    ``per_missed_epoch``, ``keep_ppm``, ``score_on``); the deployed booster
    where none is given. A bad constant raises ``ValueError`` naming it."""
    text = _native.dict_to_toml(json.dumps(constants))
    out = json.loads(_native.booster(text))
    lines = pl.DataFrame(
        out["lines"],
        schema={"chart": pl.String, "series": pl.String, "x": pl.Float64, "y": pl.Float64},
    )
    return BoosterResult(out["constants"], out["figures"], lines)


def t_quantile(df: int, p: float = 0.975) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom, as
    the library's intervals use it: a 95% interval of a mean over ``n``
    replicates is ``mean ± t_quantile(n - 1) * sd / sqrt(n)``."""
    return _native.t_quantile(df, p)
