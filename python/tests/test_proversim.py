"""The Python package gives what the command line gives: the same summary
and tables for the same scenario and seed, the same settlement, and errors
that say where and what."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import polars as pl
import pytest

import proversim

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"
TABLES = ("epochs", "provers", "submissions", "events", "bridging", "agents")


def cli() -> str:
    return os.environ.get("PROVERSIM_BIN", str(ROOT / "target" / "release" / "proversim"))


def test_run_equals_the_command_line(tmp_path):
    r = proversim.run(BASELINE, seed=3, set={"epochs": 200})
    out = tmp_path / "cli"
    subprocess.run(
        [cli(), "run", str(BASELINE), "--seed", "3", "--set", "epochs=200", "--out", str(out), "--quiet"],
        check=True,
    )
    assert r.summary == json.loads((out / "summary.json").read_text())
    for t in TABLES:
        cli_frame = pl.read_parquet(out / f"{t}.parquet")
        frame = getattr(r, t)
        assert frame.schema == cli_frame.schema, t
        assert frame.equals(cli_frame), t
    assert r.epochs.shape[0] == 200
    assert r.summary["books"]["balanced"]


def test_a_dict_runs_as_its_file():
    # A dict in the file's shape, with its base relative to the working
    # folder: the same run as the file.
    os.chdir(ROOT)
    as_dict = proversim.run(
        {"base": "scenarios/baseline.toml", "name": "baseline", "epochs": 60}, seed=5
    )
    as_file = proversim.run(BASELINE, seed=5, set=["epochs=60"])
    assert as_dict.summary == as_file.summary
    assert as_dict.provers.equals(as_file.provers)


def test_same_seed_same_result_and_the_seed_matters():
    a = proversim.run(BASELINE, seed=7, set={"epochs": 80})
    b = proversim.run(BASELINE, seed=7, set={"epochs": 80})
    c = proversim.run(BASELINE, seed=8, set={"epochs": 80})
    assert a.summary == b.summary and a.submissions.equals(b.submissions)
    assert a.summary != c.summary


def test_trace_is_returned_and_settles():
    r = proversim.run(BASELINE, seed=2, set={"epochs": 30}, trace=True)
    assert r.trace and "[params]" in r.trace
    settled = proversim.settle(r.trace)
    # Settled by the exact rules, the trace gives the run's books to the unit.
    books = {k: v for k, v in r.summary["books"].items() if k != "balanced"}
    assert settled["books"] == books
    assert settled["epochs"]


def test_settle_matches_the_golden_json():
    golden = ROOT / "tests" / "data" / "golden"
    for trace in sorted(golden.glob("*.toml")):
        expected = json.loads(trace.with_suffix(".json").read_text())
        assert proversim.settle(trace) == expected, trace.name
        assert proversim.settle(trace.read_text()) == expected, trace.name


def test_bad_dict_raises_scenario_error_with_the_key():
    with pytest.raises(proversim.ScenarioError) as e:
        proversim.run({"name": "bad", "epochs": 10, "provers": [{"count": -1}]})
    assert e.value.key == "provers[0].count"
    assert e.value.line is not None
    assert "provers[0].count" in str(e.value)


def test_bad_file_raises_the_command_lines_message():
    bad = ROOT / "tests" / "data" / "bad-scenarios" / "bonded-quote-slots.toml"
    expected = (bad.with_suffix(".err")).read_text().strip()
    os.chdir(bad.parent)
    with pytest.raises(proversim.ScenarioError) as e:
        proversim.validate(bad.name)
    assert "error: " + str(e.value) == expected
    assert (e.value.file, e.value.line, e.value.column) == ("bonded-quote-slots.toml", 7, 1)
    assert e.value.key == "bonded.quote_slots"
    os.chdir(ROOT)


def test_bad_trace_raises_trace_error():
    with pytest.raises(proversim.TraceError) as e:
        proversim.settle("[params]\nepoch_duration = 0\n")
    assert e.value.file == "<text>"


def test_a_trace_error_names_its_event_slot_and_key_as_the_command_line_does():
    bad = ROOT / "tests" / "data" / "bad" / "unknown-kind.toml"
    expected = bad.with_suffix(".err").read_text().strip()
    with pytest.raises(proversim.TraceError) as e:
        proversim.settle(str(bad))
    assert (e.value.event, e.value.slot, e.value.key) == (1, 1, "kind")
    assert "event 1 (slot 1)" in expected and "key 'kind'" in expected


def test_an_error_at_run_time_is_a_scenario_error_not_a_runtime_error():
    # The previous design cannot be replayed: refused when the run starts.
    with pytest.raises(proversim.ScenarioError) as e:
        proversim.run(str(ROOT / "scenarios" / "legacy-vs-permissionless.toml"), trace=True)
    assert "--trace" in str(e.value)
    assert e.value.file.endswith("legacy-vs-permissionless.toml")


def test_sweep_returns_its_table(tmp_path):
    spec = tmp_path / "small.toml"
    spec.write_text(
        "epochs = 20\n"
        "[sweep]\n"
        f'base = "{BASELINE}"\n'
        "replicates = 2\n"
        "[[sweep.parameter]]\n"
        'key = "booster.decay_per_epoch"\n'
        "values = [50000, 100000]\n"
    )
    table = proversim.sweep(spec, threads=2, progress=False)
    assert table.height == 4
    assert set(table["status"].to_list()) == {"ok"}
    again = proversim.sweep(spec, threads=1, progress=False)
    assert table.equals(again)
    assert proversim.validate(spec) == 2
    # Overrides on the base, before the grid: fewer epochs, fewer blocks.
    shorter = proversim.sweep(spec, set={"epochs": 10}, threads=2, progress=False)
    assert shorter.height == 4
    assert (shorter["blocks_built"] < table["blocks_built"]).all()


def test_compare_pairs_seeds():
    c = proversim.compare(
        BASELINE, BASELINE, replicates=3, set={"epochs": 40}, set_b={"booster.rule": "flat"}, progress=False
    )
    assert c.runs.height == 6
    assert c.json["replicates"] == 3
    assert "reward_hhi" in c.intervals["metric"].to_list()


def test_progress_callback_sees_every_epoch():
    seen = []
    proversim.run(BASELINE, set={"epochs": 50}, progress=lambda done, total: seen.append((done, total)))
    assert seen and all(t == 50 for _, t in seen)
    assert seen == sorted(seen)


def test_ctrl_c_interrupts_a_long_run():
    import signal
    import sys
    import time

    code = (
        "import proversim, sys\n"
        "print('started', flush=True)\n"
        f"proversim.run({str(BASELINE)!r}, set={{'epochs': 10000000}})\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "started"
    time.sleep(1.0)
    child.send_signal(signal.SIGINT)
    started = time.monotonic()
    _, err = child.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert child.returncode != 0
    assert "KeyboardInterrupt" in err


def test_progress_in_a_log_is_plain_lines_never_past_the_total(capfd):
    proversim.run(BASELINE, set={"epochs": 40}, progress=True)
    err = capfd.readouterr().err
    assert "\r" not in err
    lines = [l for l in err.splitlines() if l.endswith(" epochs")]
    assert lines, err
    for line in lines:
        done, total = line.split()[0].split("/")
        assert int(done) <= int(total), line
    assert lines[-1].split()[0].split("/")[0] == lines[-1].split()[0].split("/")[1]


def test_booster_figures_equal_the_command_lines():
    constants = {"increment": 101400, "max_score": 367500, "a": 250000, "minimum": 10000}
    b = proversim.booster(**constants)
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in constants.items()]
    out = subprocess.run(
        [cli(), "booster", *flags, "--format", "json"], check=True, capture_output=True, text=True
    ).stdout
    assert b.figures == json.loads(out)
    # The AZIP-5 constants' figures, as the README states them.
    assert b.figures["zero_to_max_epochs"] == 191
    assert b.constants["increment"] == 101400 and b.constants["rule"] == "quadratic"
    assert set(b.lines["chart"].unique()) == {"booster-curve", "booster-newcomer", "booster-misses"}
    curve = b.lines.filter(pl.col("chart") == "booster-curve")
    assert 0.99 * 367500 <= curve["x"].max() <= 367500
    # The deployed booster where nothing is given.
    assert proversim.booster().constants["max_score"] != 367500


def test_booster_refuses_a_bad_constant_naming_it():
    with pytest.raises(ValueError, match="increment"):
        proversim.booster(increment=-1)
    with pytest.raises(ValueError, match="incremnt"):
        proversim.booster(incremnt=5)


def test_t_quantile_is_students():
    # Two-sided 95% critical values: 4.303 at 2 degrees of freedom, 2.262 at 9.
    assert abs(proversim.t_quantile(2) - 4.303) < 1e-3
    assert abs(proversim.t_quantile(9) - 2.262) < 1e-3
    with pytest.raises(ValueError, match="df"):
        proversim.t_quantile(0)
