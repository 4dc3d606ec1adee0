import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import os
    from pathlib import Path

    import marimo as mo
    import matplotlib.pyplot as plt
    import polars as pl

    import proversim

    # Paths are taken from this file, wherever the notebook is opened from.
    root = Path(__file__).resolve().parent.parent
    return mo, os, pl, plt, proversim, root


@app.cell
def _(mo):
    mo.md(
        """
        # proversim: explore

        Three parts, each live as you move its controls:

        1. **The booster alone**: its constants, its figures and its
           curves, from the protocol's own booster functions (no
           simulation; milliseconds).
        2. **A run**: a shipped scenario with a few keys overridden, its
           key figures and main charts (a year of most worlds in about a
           second).
        3. **AZIP-30**: protocol v5 against v6 on the mainnet world,
           paired replicates, the difference with its 95% interval.

        Open it with `marimo edit notebooks/explore.py` (to change it) or
        `marimo run notebooks/explore.py` (as an app), after
        `bash notebooks/run.sh` has installed marimo and the package into
        `notebooks/.venv`.
        """
    )
    return


@app.cell
def _(mo, proversim):
    deployed = proversim.booster().constants

    def _around(key, label, low=0.1, high=4.0):
        # From a tenth of the deployed value to four times it.
        value = deployed[key]
        step = max(1, value // 100)
        return mo.ui.slider(int(value * low) // step * step, int(value * high), step=step, value=value, label=label)

    increment = _around("increment", "increment (per bump)")
    max_score = _around("max_score", "max_score")
    decay = _around("decay_per_epoch", "decay_per_epoch", low=0.0)
    k = _around("k", "k (shares at the top)")
    mo.vstack(
        [
            mo.md("## 1. The booster\n\nThe quadratic booster's constants (the deployed ones to start):"),
            increment,
            max_score,
            decay,
            k,
        ]
    )
    return decay, deployed, increment, k, max_score


@app.cell
def _(decay, deployed, increment, k, max_score, mo, pl, plt, proversim):
    try:
        chosen = proversim.booster(
            rule="quadratic",
            increment=increment.value,
            max_score=max_score.value,
            a=deployed["a"],
            minimum=min(deployed["minimum"], k.value),
            k=k.value,
            decay_per_epoch=decay.value,
        )
    except ValueError as _e:
        chosen = None
        booster_view = mo.md(f"**These constants are refused:** {_e}")
    if chosen is not None:
        _fig, (_left, _right) = plt.subplots(1, 2, figsize=(11, 3.6))
        _curve = chosen.lines.filter(pl.col("chart") == "booster-curve")
        _left.plot(_curve["x"], _curve["y"])
        _left.set_xlabel("score")
        _left.set_ylabel("shares")
        _left.set_title("Booster curve")
        _ramp = chosen.lines.filter(pl.col("chart") == "booster-newcomer")
        for (_name,), _part in _ramp.group_by(["series"], maintain_order=True):
            _right.plot(_part["x"], _part["y"], label=_name)
        _right.set_xlabel("epochs since the newcomer's first proof")
        _right.set_ylabel("shares per submission")
        _right.set_title("Newcomer against incumbent")
        _right.legend()
        _fig.tight_layout()
        _names = [
            "zero_to_max_epochs",
            "zero_to_90pct_epochs",
            "one_miss_share",
            "two_miss_share",
            "recovery_epochs",
            "breakeven_coverage",
            "newcomer_100_vs_incumbent",
            "newcomer_500_vs_incumbent",
        ]
        _table = pl.DataFrame(
            {"figure": _names, "value": [str(chosen.figures.get(n)) for n in _names]}
        )
        booster_view = mo.vstack([_fig, mo.ui.table(_table, selection=None)])
    booster_view
    return


@app.cell
def _(mo, root):
    import tomllib

    runnable = sorted(
        p.name
        for p in (root / "scenarios").glob("*.toml")
        if "sweep" not in tomllib.loads(p.read_text())
    )
    scenario = mo.ui.dropdown(runnable, value="baseline.toml", label="scenario")
    epochs = mo.ui.slider(50, 3000, step=50, value=500, label="epochs")
    seed = mo.ui.number(1, 1_000_000, value=1, label="seed")
    protocol = mo.ui.dropdown(["as the file says", "v4", "v5", "v6"], value="as the file says", label="protocol")
    uptime = mo.ui.slider(0.5, 1.0, step=0.01, value=1.0, label="every prover group's uptime (1.0: as the file says)")
    mo.vstack([mo.md("## 2. A run"), scenario, epochs, seed, protocol, uptime])
    return epochs, protocol, scenario, seed, uptime


@app.cell
def _(epochs, mo, pl, plt, protocol, proversim, root, scenario, seed, uptime):
    import tomllib as _toml

    _path = root / "scenarios" / scenario.value
    _sets = {"epochs": epochs.value}
    if protocol.value != "as the file says":
        _sets["protocol"] = protocol.value
    if uptime.value < 1.0:
        _groups = len(_toml.loads(_path.read_text()).get("provers", []))
        _sets.update({f"provers.{i}.uptime": uptime.value for i in range(_groups)})
    try:
        _run = proversim.run(_path, seed=int(seed.value), set=_sets, progress=False)
    except proversim.ScenarioError as _e:
        _run = None
        run_view = mo.md(f"**The scenario is refused:** {_e}")
    if _run is not None:
        _s = _run.summary
        _figures = pl.DataFrame(
            {
                "figure": ["liveness", "prunes", "active provers (mean)", "reward HHI", "top-1 share"],
                "value": [
                    f"{_s['liveness']:.4f}",
                    str(_s["prunes"]),
                    f"{_s['active_provers']['mean']:.2f}",
                    f"{_s['reward_hhi']:.4f}",
                    f"{_s['top1_share']:.4f}",
                ],
            }
        )
        _fig, (_a, _b) = plt.subplots(1, 2, figsize=(11, 3.6))
        _ep = _run.epochs
        _a.plot(_ep["epoch"], _ep["blocks_built"], label="built")
        _a.plot(_ep["epoch"], _ep["blocks_proven"], label="proven")
        _a.plot(_ep["epoch"], _ep["blocks_pruned"], label="pruned")
        _a.set_xlabel("epoch")
        _a.set_ylabel("blocks")
        _a.set_title("Blocks per epoch")
        _a.legend()
        _by_group = (
            _run.provers.group_by(["epoch", "group"])
            .agg(pl.col("reward").sum())
            .with_columns((pl.col("reward") / pl.col("reward").sum().over("epoch")).alias("share"))
            .sort(["group", "epoch"])
        )
        for (_group,), _part in _by_group.group_by(["group"], maintain_order=True):
            _b.plot(_part["epoch"], _part["share"].rolling_mean(10, min_samples=1), label=_group)
        _b.set_xlabel("epoch")
        _b.set_ylabel("share of prover rewards")
        _b.set_title("Share by _group (10-epoch mean)")
        _b.legend()
        _fig.tight_layout()
        assert _s["books"]["balanced"], "the books must balance"
        run_view = mo.vstack(
            [
                mo.md(f"`{scenario.value}` with `{_sets}`: {_s['epochs']} epochs, seed {_s['seed']}"),
                mo.ui.table(_figures, selection=None),
                _fig,
            ]
        )
    run_view
    return


@app.cell
def _(mo, os):
    replicates = mo.ui.slider(
        2, 20, value=int(os.environ.get("PROVERSIM_REPLICATES", "5")), label="paired replicates"
    )
    days = mo.ui.slider(5, 60, step=5, value=int(os.environ.get("PROVERSIM_DAYS", "10")), label="days")
    mo.vstack(
        [
            mo.md(
                "## 3. AZIP-30: v5 against v6 on the mainnet world\n\n"
                "`scenarios/mainnet-v5.toml` under `protocol = v5` (A) and "
                "`v6` (B: `sequencer_bps` 9000 and full-epoch scoring), on "
                "the same seeds. `scenarios/azip30.toml` states the answer "
                "at full length, 20 replicates."
            ),
            replicates,
            days,
        ]
    )
    return days, replicates


@app.cell
def _(days, mo, pl, proversim, replicates, root):
    _world = root / "scenarios" / "mainnet-v5.toml"
    _epochs_a_day = 24 * 3600 // (72 * 32)
    _result = proversim.compare(
        _world,
        _world,
        replicates=replicates.value,
        set={"epochs": days.value * _epochs_a_day},
        set_a={"protocol": "v5"},
        set_b={"protocol": "v6"},
        progress=False,
    )
    _wanted = [
        "liveness",
        "active_provers_last",
        "network.operators_per_day",
        "network.provers_per_day",
        "network.proofs_per_epoch.mean",
        "reward_hhi_by_owner",
        "mean_full_proof_latency_s",
        "prover_profit",
        "network.prover_l1_eth_per_day",
        "sequencer_income",
    ]
    _shown = _result.intervals.filter(pl.col("metric").is_in(_wanted))
    assert _shown.height == len(_wanted), "a metric of this table is gone from compare"
    mo.vstack(
        [
            mo.md(f"{replicates.value} paired replicates of {days.value} days; B − A with its 95% interval:"),
            mo.ui.table(_shown, selection=None),
        ]
    )
    return


if __name__ == "__main__":
    app.run()
