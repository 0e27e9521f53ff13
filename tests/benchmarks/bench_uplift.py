"""Uplift on Hillstrom: Pushwise's UpliftModel against scikit-uplift and
causalml, side by side on the same split (run by hand, in .venv-bench).

Data: ../shared/data/hillstrom-email, 64,000 customers randomly e-mailed (men's
or women's merchandise) or not. Treatment: any e-mail against none (and, with
--mens, the men's e-mail against none); outcomes: visit and conversion in the
two weeks after. One fixed split: 30 % test, seeded, stratified by segment,
visit and conversion. Every model sees the same eight customer columns (text
columns one-hot for the peers) and nothing of the test rows: Pushwise chooses
its approach on folds of the training rows; the peers run with fixed settings
(defaults and a regularised variant, both reported). The best peer is the
best on the test split itself, which favours the peers; the peer with the
best Qini on folds of the training rows (chosen as Pushwise chooses) is
reported too.

Scores: Qini coefficient and AUUC (ml.uplift.metrics, the same formulas as
sklift.metrics, checked here against it), bootstrap 95 % intervals over test
customers (1,000 resamples, shared by all models, so the ratio to the best
peer has a paired interval, and so has the difference). Writes
tests/benchmarks/results/uplift_any.md and .json (uplift_mens with --mens);
the lead copies the section into RESULTS.md.

    .venv-bench/bin/python tests/benchmarks/bench_uplift.py [--mens] [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, train_test_split

from ml.uplift.metrics import auuc, bootstrap_scores, interval, qini_coefficient
from ml.uplift.model import UpliftModel

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "hillstrom-email" / "hillstrom.csv.gz"
RESULTS = Path(__file__).resolve().parent / "results"
COLUMNS = [
    "recency",
    "history_segment",
    "history",
    "mens",
    "womens",
    "zip_code",
    "newbie",
    "channel",
]
OUTCOMES = ("visit", "conversion")
SEED = 0
PUSHWISE = "Pushwise UpliftModel"

Fit = Callable[[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame], np.ndarray]


def load(treatment: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The customers of the two compared groups and who was e-mailed."""
    frame = pd.read_csv(DATA)
    if treatment == "mens":
        frame = frame[frame["segment"] != "Womens E-Mail"].reset_index(drop=True)
    return frame, (frame["segment"] != "No E-Mail").to_numpy(int)


def split(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row numbers: 30 % test, stratified, seeded."""
    strata = (
        frame["segment"] + frame["visit"].astype(str) + frame["conversion"].astype(str)
    )
    rows = np.arange(len(frame))
    train, test = train_test_split(
        rows, test_size=0.3, random_state=SEED, stratify=strata
    )
    return np.sort(train), np.sort(test)


def onehot(train: pd.DataFrame, test: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The peers' numbers: text columns one-hot, categories of the train rows."""
    both = pd.get_dummies(pd.concat([train, test]), dtype=float)
    return both.iloc[: len(train)].to_numpy(), both.iloc[len(train) :].to_numpy()


def lgbm_classifier(regularised: bool) -> object:
    from lightgbm import LGBMClassifier

    if regularised:
        return LGBMClassifier(
            n_estimators=150,
            learning_rate=0.05,
            num_leaves=8,
            min_child_samples=200,
            reg_lambda=1.0,
            n_jobs=1,
            verbose=-1,
            random_state=SEED,
        )
    return LGBMClassifier(n_jobs=1, verbose=-1, random_state=SEED)


def lgbm_regressor(regularised: bool) -> object:
    from lightgbm import LGBMRegressor

    if regularised:
        return LGBMRegressor(
            n_estimators=100,
            learning_rate=0.05,
            num_leaves=8,
            min_child_samples=400,
            reg_lambda=1.0,
            n_jobs=1,
            verbose=-1,
            random_state=SEED,
        )
    return LGBMRegressor(n_jobs=1, verbose=-1, random_state=SEED)


def logistic() -> object:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def sklift_peers() -> dict[str, Fit]:
    """scikit-uplift's models on LightGBM (default and regularised) and
    logistic regression."""
    from sklift.models import (
        ClassTransformation,
        ClassTransformationReg,
        SoloModel,
        TwoModels,
    )

    def wrap(make: Callable[[], object]) -> Fit:
        def fit(xa, t, y, xb):  # type: ignore[no-untyped-def]
            a, b = onehot(xa, xb)
            return np.asarray(make().fit(a, y, t).predict(b), float)  # type: ignore[attr-defined]

        return fit

    peers: dict[str, Fit] = {}
    for reg in (False, True):
        tag = "LightGBM, regularised" if reg else "LightGBM"
        peers[f"sklift SoloModel ({tag})"] = wrap(
            lambda r=reg: SoloModel(lgbm_classifier(r))
        )
        peers[f"sklift SoloModel interactions ({tag})"] = wrap(
            lambda r=reg: SoloModel(lgbm_classifier(r), method="treatment_interaction")
        )
        peers[f"sklift ClassTransformation ({tag})"] = wrap(
            lambda r=reg: ClassTransformation(lgbm_classifier(r))
        )
        peers[f"sklift ClassTransformationReg ({tag})"] = wrap(
            lambda r=reg: ClassTransformationReg(lgbm_regressor(r), propensity_val=0.5)
        )
        peers[f"sklift TwoModels ({tag})"] = wrap(
            lambda r=reg: TwoModels(lgbm_classifier(r), lgbm_classifier(r))
        )
        peers[f"sklift TwoModels ddr_control ({tag})"] = wrap(
            lambda r=reg: TwoModels(
                lgbm_classifier(r), lgbm_classifier(r), method="ddr_control"
            )
        )
    peers["sklift TwoModels (logistic)"] = wrap(
        lambda: TwoModels(logistic(), logistic())
    )
    peers["sklift SoloModel interactions (logistic)"] = wrap(
        lambda: SoloModel(logistic(), method="treatment_interaction")
    )
    return peers


def causalml_peers() -> dict[str, Fit]:
    """causalml's uplift random forest and meta-learners."""
    from causalml.inference.meta import (
        BaseSClassifier,
        BaseTClassifier,
        BaseXClassifier,
    )
    from causalml.inference.tree import UpliftRandomForestClassifier

    def forest(xa, t, y, xb):  # type: ignore[no-untyped-def]
        a, b = onehot(xa, xb)
        model = UpliftRandomForestClassifier(
            control_name="control",
            n_estimators=100,
            max_depth=5,
            min_samples_leaf=200,
            n_jobs=1,
            random_state=SEED,
        )
        model.fit(a, np.where(t == 1, "email", "control"), y)
        return np.asarray(model.predict(b), float).ravel()

    def meta(make: Callable[[], object]) -> Fit:
        def fit(xa, t, y, xb):  # type: ignore[no-untyped-def]
            a, b = onehot(xa, xb)
            model = make()
            if isinstance(model, BaseXClassifier):  # the share e-mailed is known
                model.fit(a, t, y, p=np.full(len(a), t.mean()))
                out = model.predict(b, p=np.full(len(b), t.mean()), verbose=False)
            else:
                model.fit(a, t, y)  # type: ignore[attr-defined]
                out = model.predict(b, verbose=False)  # type: ignore[attr-defined]
            return np.asarray(out, float).ravel()

        return fit

    peers: dict[str, Fit] = {"causalml UpliftRandomForest (KL)": forest}
    for reg in (False, True):
        tag = "LightGBM, regularised" if reg else "LightGBM"
        peers[f"causalml BaseS ({tag})"] = meta(
            lambda r=reg: BaseSClassifier(learner=lgbm_classifier(r), control_name=0)
        )
        peers[f"causalml BaseT ({tag})"] = meta(
            lambda r=reg: BaseTClassifier(learner=lgbm_classifier(r), control_name=0)
        )
        peers[f"causalml BaseX ({tag})"] = meta(
            lambda r=reg: BaseXClassifier(
                outcome_learner=lgbm_classifier(r),
                effect_learner=lgbm_regressor(r),
                control_name=0,
            )
        )
    peers["causalml BaseT (logistic)"] = meta(
        lambda: BaseTClassifier(learner=logistic(), control_name=0)
    )
    return peers


def pushwise(models: list[UpliftModel]) -> Fit:
    def fit(xa, t, y, xb):  # type: ignore[no-untyped-def]
        model = UpliftModel(random_state=SEED).fit(xa, t, y)
        models.append(model)
        return model.predict_uplift(xb)

    return fit


def check_against_sklift(y: np.ndarray, score: np.ndarray, t: np.ndarray) -> None:
    """ml.uplift.metrics gives sklift's numbers (same formulas)."""
    from sklift.metrics import qini_auc_score, uplift_auc_score

    assert abs(qini_coefficient(y, score, t) - qini_auc_score(y, score, t)) < 1e-9
    assert abs(auuc(y, score, t) - uplift_auc_score(y, score, t)) < 1e-9


def validation_qini(
    fit: Fit, x: pd.DataFrame, t: np.ndarray, y: np.ndarray, folds: int = 3
) -> float:
    """A peer's mean Qini on folds of the training rows (as Pushwise chooses)."""
    split = StratifiedKFold(folds, shuffle=True, random_state=SEED)
    scores = []
    for a, b in split.split(x, 2 * t + y):
        score = fit(x.iloc[a], t[a], y[a], x.iloc[b])
        scores.append(qini_coefficient(y[b], score, t[b]))
    return float(np.mean(scores))


def measure(
    frame: pd.DataFrame, t: np.ndarray, outcome: str, peers: dict[str, Fit], boot: int
) -> tuple[list[dict[str, object]], list[UpliftModel]]:
    """Fit every model on the train rows, score on the test rows."""
    train, test = split(frame)
    xa, xb = frame.iloc[train][COLUMNS], frame.iloc[test][COLUMNS]
    y = frame[outcome].to_numpy(int)
    models: list[UpliftModel] = []
    predictions: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    chosen_by: dict[str, float] = {}
    for name, fit in {PUSHWISE: pushwise(models), **peers}.items():
        start = time.perf_counter()
        try:
            predictions[name] = fit(xa, t[train], y[train], xb)
        except Exception as error:  # a peer that fails is reported, not fatal
            print(f"{outcome}: {name} failed: {error!r}", flush=True)
            continue
        seconds[name] = time.perf_counter() - start
        if name == PUSHWISE:
            chosen_by[name] = models[-1].chosen_.qini
        else:
            chosen_by[name] = validation_qini(fit, xa, t[train], y[train])
        qini = qini_coefficient(y[test], predictions[name], t[test])
        print(
            f"{outcome}: {name}: Qini {qini:.4f} in {seconds[name]:.1f} s", flush=True
        )
    check_against_sklift(y[test], predictions[PUSHWISE], t[test])
    samples = bootstrap_scores(y[test], t[test], predictions, n=boot, random_state=SEED)
    rows = []
    for name, score in predictions.items():
        rows.append(
            {
                "outcome": outcome,
                "model": name,
                "qini": qini_coefficient(y[test], score, t[test]),
                "qini_ci": interval(samples[name][:, 0]),
                "auuc": auuc(y[test], score, t[test]),
                "auuc_ci": interval(samples[name][:, 1]),
                "seconds": seconds[name],
                "validation_qini": chosen_by.get(name, float("nan")),
            }
        )
    peer_rows = [r for r in rows if r["model"] != PUSHWISE]
    if not peer_rows:
        return rows, models
    ours = next(r for r in rows if r["model"] == PUSHWISE)
    picked = max(peer_rows, key=lambda r: float(r["validation_qini"]))  # type: ignore[arg-type]
    for metric, column in (("qini", 0), ("auuc", 1)):
        best = max(peer_rows, key=lambda r: float(r[metric]))  # type: ignore[arg-type]
        for tag, peer in (("", best), ("validated_", picked)):
            mine, theirs = (
                samples[PUSHWISE][:, column],
                samples[str(peer["model"])][:, column],
            )
            ratio = mine / theirs
            ours[f"{tag}diff_{metric}"] = float(ours[metric]) - float(peer[metric])  # type: ignore[arg-type]
            ours[f"{tag}diff_{metric}_ci"] = interval(mine - theirs)
            ours[f"{tag}peer_{metric}"] = peer["model"]
            ours[f"{tag}ratio_{metric}"] = float(ours[metric]) / float(peer[metric])  # type: ignore[arg-type]
            ours[f"{tag}ratio_{metric}_ci"] = interval(ratio)
    return rows, models


def fmt(value: object, interval_: object) -> str:
    low, high = interval_  # type: ignore[misc]
    return f"{float(value):.4f} ({low:.4f} to {high:.4f})"  # type: ignore[arg-type]


def ratios(ours: dict[str, object], tag: str) -> str:
    """One sentence: Pushwise against the best peer on the test split (tag
    "") or the peer with the best Qini on folds of the training rows."""
    which = (
        "the best peer on the test split"
        if not tag
        else "the peer a user would pick (best Qini on folds of the training rows)"
    )
    parts = []
    for metric, label in (("qini", "Qini"), ("auuc", "AUUC")):
        low, high = ours[f"{tag}ratio_{metric}_ci"]  # type: ignore[misc]
        dlow, dhigh = ours[f"{tag}diff_{metric}_ci"]  # type: ignore[misc]
        parts.append(
            f"{label} {ours[f'{tag}ratio_{metric}']:.2f}x ({low:.2f} to {high:.2f}; "
            f"difference {ours[f'{tag}diff_{metric}']:+.4f}, {dlow:+.4f} to "
            f"{dhigh:+.4f}; {ours[f'{tag}peer_{metric}']})"
        )
    return f"Pushwise against {which}: " + ", ".join(parts) + ". Target: 1.1x."


def render(
    treatment: str, rows: list[dict[str, object]], described: dict[str, str], n: int
) -> str:
    """The markdown section."""
    title = "any e-mail vs none" if treatment == "any" else "men's e-mail vs none"
    lines = [
        f"## Uplift on Hillstrom, {title} (bench_uplift.py)",
        "",
        f"{n:,} customers; 30 % test split (seed {SEED}, stratified by segment, "
        "visit and conversion). Qini coefficient and AUUC as in sklift.metrics "
        "(normalised by the perfect order: 0 random, 1 perfect), bootstrap "
        "95 % intervals over test customers. Ratio: Pushwise / the best peer "
        "on the test split (paired bootstrap interval). Time: fit and predict, "
        f"one thread, on a shared 2-core machine ({platform.python_version()}).",
        "",
    ]
    for outcome in OUTCOMES:
        part = sorted(
            (r for r in rows if r["outcome"] == outcome),
            key=lambda r: -float(r["qini"]),  # type: ignore[arg-type]
        )
        ours = next(r for r in part if r["model"] == PUSHWISE)
        lines += [f"### {outcome}", ""]
        if "ratio_qini" in ours:
            lines += [ratios(ours, ""), "", ratios(ours, "validated_"), ""]
        lines += [
            "| model | Qini (95 % CI) | AUUC (95 % CI) | Qini on folds of train "
            "| time (s) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in part:
            lines.append(
                f"| {r['model']} | {fmt(r['qini'], r['qini_ci'])} | "
                f"{fmt(r['auuc'], r['auuc_ci'])} | {float(r['validation_qini']):.4f} | "  # type: ignore[arg-type]
                f"{float(r['seconds']):.1f} |"  # type: ignore[arg-type]
            )
        lines += ["", "Pushwise's choice on folds of the training rows:", "", "```"]
        lines += [described[outcome], "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mens", action="store_true", help="men's e-mail vs none")
    parser.add_argument(
        "--quick", action="store_true", help="100 resamples, no causalml"
    )
    parser.add_argument("--only-pushwise", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    treatment = "mens" if args.mens else "any"
    frame, t = load(treatment)
    peers: dict[str, Fit] = {}
    if not args.only_pushwise:
        peers = sklift_peers() | ({} if args.quick else causalml_peers())
    rows: list[dict[str, object]] = []
    described: dict[str, str] = {}
    for outcome in OUTCOMES:
        found, models = measure(frame, t, outcome, peers, 100 if args.quick else 1000)
        rows += found
        described[outcome] = models[0].describe()
    text = render(treatment, rows, described, len(frame))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"uplift_{treatment}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"uplift_{treatment}.json").write_text(
        json.dumps(rows, indent=1, default=str), encoding="utf-8"
    )
    print(text)


if __name__ == "__main__":
    main()
