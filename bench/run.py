"""Benchmarks: each cost as a median of several runs and a ratio to its floor from the same run.

Usage: python bench/run.py [--quick]
Prints a table; the full run (no --quick, no --only) also writes bench/results.json, the
committed figures, so a smoke test never overwrites them. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

PY = sys.executable
STUDYTOOL = [PY, "-m", "studytool"]
NOW = "2027-03-01T12:00:00+00:00"
# Every child gets a private parse cache (set in main); COLD turns the cache off entirely.
CACHE: dict[str, str] = {}
COLD: dict[str, str] = {}


@dataclass
class Run:
    """Wall time (s) and peak RSS (MiB) of one child process."""

    seconds: float
    rss_mib: float


@dataclass
class Measure:
    """One benchmark line: our figure, its floor, their ratio and the target."""

    name: str
    ours: float
    floor: float
    unit: str
    target: float
    ratio: float = 0.0
    ok: bool = False
    detail: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ratio = self.ours / self.floor if self.floor else float("inf")
        self.ok = self.ratio <= self.target


def run(cmd: list[str], *, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Run:
    """Run a command to completion; measure its wall time and its own peak RSS (wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1", **CACHE, **(env or {})},
    )
    if stdin is not None and proc.stdin:
        proc.stdin.write(stdin)
        proc.stdin.close()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        tail = err.decode(errors="replace")[-2000:]
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
    return Run(seconds, usage.ru_maxrss / 1024)


def median_of(n: int, fn: Callable[[], Run]) -> Run:
    """Median wall time and median peak RSS over `n` runs."""
    runs = [fn() for _ in range(n)]
    return Run(statistics.median(r.seconds for r in runs), statistics.median(r.rss_mib for r in runs))


def _extract_media(apkg: Path, folder: Path) -> int:
    """Unpack the media files of a built .apkg under their real names (setup for the floor)."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(apkg) as z:
        names = json.loads(z.read("media"))
        for number, name in names.items():
            (folder / name).write_bytes(z.read(number))
    return len(names)


def bench_build(big: Path, work: Path, reps: int) -> list[Measure]:
    """Full build vs genanki floor, cold and warm; unchanged `build --check` vs full build."""
    facts = work / "facts.json"
    with facts.open("wb") as fh:
        cmd = [*STUDYTOOL, "facts", str(big), "--json"]
        subprocess.run(cmd, stdout=fh, check=True, stderr=subprocess.DEVNULL, env={**os.environ, **CACHE})
    out = work / "decks"

    def ours(env: dict[str, str]) -> Run:
        shutil.rmtree(out, ignore_errors=True)
        return run([*STUDYTOOL, "build", str(big), "--out", str(out)], env=env)

    def check(env: dict[str, str]) -> Run:
        return run([*STUDYTOOL, "build", str(big), "--out", str(out), "--check"], env=env)

    ours(CACHE)
    report = json.loads((out / "trigger-points.lock.json").read_text(encoding="utf-8"))
    notes = len(report["notes"])
    media = _extract_media(out / "trigger-points.apkg", work / "media")
    floor_cmd = [
        PY,
        str(HERE / "floor_genanki.py"),
        str(facts),
        str(work / "floor.apkg"),
        str(work / "media"),
    ]
    f = median_of(reps, lambda: run(floor_cmd))
    cold, warm = median_of(reps, lambda: ours(COLD)), median_of(reps, lambda: ours(CACHE))
    c_cold, c_warm = median_of(reps, lambda: check(COLD)), median_of(reps, lambda: check(CACHE))
    size = f"{notes:,} notes, {media:,} media"
    return [
        Measure(f"build time, cold ({size})", cold.seconds, f.seconds, "s", 1.5),
        Measure(f"build time, warm parse cache ({size})", warm.seconds, f.seconds, "s", 1.5),
        Measure(f"build peak RSS, cold ({size})", cold.rss_mib, f.rss_mib, "MiB", 2.0),
        Measure("unchanged build --check vs full build, cold", c_cold.seconds, cold.seconds, "s", 0.5),
        Measure("unchanged build --check vs full build, warm", c_warm.seconds, warm.seconds, "s", 0.5),
    ]


def bench_startup(reps: int) -> list[Measure]:
    """`--help` and `--version` against `python -c 'import typer'`."""
    floor = median_of(reps, lambda: run([PY, "-c", "import typer"]))
    out = []
    for flag in ("--help", "--version"):
        ours = median_of(reps, lambda flag=flag: run([*STUDYTOOL, flag]))  # type: ignore[misc]
        out.append(Measure(f"startup: studytool {flag}", ours.seconds, floor.seconds, "s", 1.5))
    return out


def bench_check(big: Path, reps: int) -> list[Measure]:
    """`studytool check` against PyYAML's C loader merely parsing the same files."""
    script = (
        "import sys, glob, yaml\n"
        "L = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\n"
        "for p in sorted(glob.glob(sys.argv[1] + '/*.yaml')):\n"
        "    with open(p, encoding='utf-8') as fh: yaml.load(fh, Loader=L)\n"
    )
    floor = median_of(reps, lambda: run([PY, "-c", script, str(big)]))
    cold = median_of(reps, lambda: run([*STUDYTOOL, "check", str(big)], env=COLD))
    warm = median_of(reps, lambda: run([*STUDYTOOL, "check", str(big)]))
    n = len(list(big.glob("*.yaml")))
    return [
        Measure(f"check, cold ({n:,} entries) vs PyYAML C parse", cold.seconds, floor.seconds, "s", 2.0),
        Measure(
            f"check, warm parse cache ({n:,} entries) vs PyYAML C parse",
            warm.seconds,
            floor.seconds,
            "s",
            2.0,
        ),
    ]


def bench_exam(small: Path, big: Path, work: Path, reps: int) -> list[Measure]:
    """100 questions x 3 versions x every text format: big knowledge base vs small.

    A quick run's small base (25 entries) cannot set 100 questions with safe options on
    distinct topics, so it asks three per entry there (the same count for both sizes)."""
    fmt = "md,html,gift,moodle,qti,json"
    count = str(min(100, 3 * len(list(small.glob("*.yaml")))))

    def exam(src: Path) -> Run:
        out = work / f"exam-{src.name}"
        shutil.rmtree(out, ignore_errors=True)
        args = ["exam", str(src), "--out", str(out), "--count", count, "--versions", "3", "--seed", "7"]
        return run([*STUDYTOOL, *args, "--format", fmt])

    s, b = median_of(reps, lambda: exam(small)), median_of(reps, lambda: exam(big))
    sizes = f"{len(list(big.glob('*.yaml'))):,} vs {len(list(small.glob('*.yaml'))):,} entries"
    m = Measure(f"exam {count}q x 3 versions x 6 formats, warm: {sizes}", b.seconds, s.seconds, "s", 3.0)
    m.detail = {"seconds_big": b.seconds, "seconds_small": s.seconds}
    return [m]


def bench_quiz(src: Path, work: Path, reps: int, answers: int, big_n: int, small_n: int) -> list[Measure]:
    """Per-answer time of a piped flip session: big review state vs small."""
    import seed_state  # imported late: it needs the quiz's review store

    results: dict[int, float] = {}
    seeded: dict[int, int] = {}

    def env_for(state: Path) -> dict[str, str]:
        return {"STUDYTOOL_STATE": str(state), "STUDYTOOL_NOW": NOW}

    for n in (small_n, big_n):
        pristine = work / f"state-{n}.pristine.sqlite3"
        state = work / f"state-{n}.sqlite3"
        seeded[n] = seed_state.seed(src, pristine, n, NOW)
        script = b"\n3\n" * answers + b"q\n"

        def fresh(state: Path = state, pristine: Path = pristine) -> Path:
            for suffix in ("-wal", "-shm"):
                Path(f"{state}{suffix}").unlink(missing_ok=True)
            shutil.copy(pristine, state)
            return state

        def session(script: bytes = script) -> Run:
            flags = ["--mode", "flip", "--limit", str(answers), "--new", "0"]
            return run([*STUDYTOOL, "quiz", str(src), *flags], stdin=script, env=env_for(fresh()))

        def baseline() -> Run:
            # The same start-up, load, sync and queue build, then quit at the first prompt.
            flags = ["--mode", "flip", "--limit", "1", "--new", "0"]
            return run([*STUDYTOOL, "quiz", str(src), *flags], stdin=b"q\n", env=env_for(fresh()))

        empty = median_of(reps, baseline)
        full = median_of(reps, session)
        results[n] = max(full.seconds - empty.seconds, 1e-9) / answers
    big, small = seeded[big_n], seeded[small_n]
    m = Measure(
        f"quiz per answer: {big:,} vs {small:,} reviewed facts",
        results[big_n] * 1000,
        results[small_n] * 1000,
        "ms",
        1.5,
    )
    m.detail = {"ms_per_answer_big": results[big_n] * 1000, "ms_per_answer_small": results[small_n] * 1000}
    return [m]


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run each (< 60 s)")
    parser.add_argument("--only", default="", help="comma-separated subset: build,startup,check,exam,quiz")
    args = parser.parse_args()
    reps = 1 if args.quick else 3
    small_n, big_n = (25, 250) if args.quick else (125, 1250)
    only = set(filter(None, args.only.split(",")))
    measures: list[Measure] = []
    load_before = _loadavg()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="studytool-bench-") as tmp:
        work = Path(tmp)
        CACHE["STUDYTOOL_CACHE_DIR"] = str(work / "cache")
        COLD.update(CACHE, STUDYTOOL_NO_CACHE="1")
        small = synth.generate(work / "kb-small", small_n)
        big = synth.generate(work / "kb-big", big_n)
        for kb in (small, big):  # fails loudly if the generator writes a bad entry; warms the cache
            subprocess.run(
                [*STUDYTOOL, "check", str(kb)],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, **CACHE},
            )
        steps: dict[str, Callable[[], list[Measure]]] = {
            "startup": lambda: bench_startup(reps if args.quick else 7),
            "check": lambda: bench_check(big, reps),
            "build": lambda: bench_build(big, work, reps),
            "exam": lambda: bench_exam(small, big, work, reps),
            "quiz": lambda: bench_quiz(
                big, work, reps, 100 if args.quick else 300, 5000 if args.quick else 50_000, 500
            ),
        }
        for name, step in steps.items():
            if only and name not in only:
                continue
            print(f"… {name}", file=sys.stderr, flush=True)
            measures.extend(step())
    width = max(len(m.name) for m in measures)
    print(f"{'measure'.ljust(width)}  {'ours':>9}  {'floor':>9}  {'ratio':>6}  target  ok")
    for m in measures:
        print(
            f"{m.name.ljust(width)}  {m.ours:>8.3f}{m.unit[0]}  {m.floor:>8.3f}{m.unit[0]}  "
            f"{m.ratio:>6.2f}  ≤{m.target:<5}  {'yes' if m.ok else 'NO'}"
        )
    elapsed = time.perf_counter() - started
    print(f"({elapsed:.0f} s; load average before {load_before}, after {_loadavg()})")
    result = {
        "quick": args.quick,
        "seconds": round(elapsed, 1),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "cpu_model": _cpu_model(),
            "loadavg_before": load_before,
            "loadavg_after": _loadavg(),
        },
        "measures": [asdict(m) for m in measures],
    }
    if args.quick or only:
        print("(partial or quick run: bench/results.json left as it was)")
        return
    (HERE / "results.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
