"""Generate a synthetic knowledge base with every facet filled (for benchmarks)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from studytool.regions import REGIONS

NERVES = [f"Synthetic nerve {chr(65 + i)}" for i in range(20)]
WORDS = [
    "lateral",
    "medial",
    "deep",
    "superficial",
    "ache",
    "pain",
    "tender",
    "band",
    "nodule",
    "stiffness",
    "load",
    "gait",
    "posture",
    "sitting",
    "standing",
    "running",
    "walking",
    "hip",
    "pelvis",
    "sacrum",
    "thigh",
    "knee",
    "buttock",
    "crest",
    "fascia",
    "tendon",
    "fibres",
    "rotation",
    "abduction",
    "extension",
    "flexion",
    "stability",
    "balance",
    "pressure",
    "release",
    "stretch",
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry_yaml(i: int, n: int, rng: random.Random) -> str:
    """One entry of about 40 facts, with field sizes like the real ones."""
    eid = f"synth-{i:05d}"
    regions = sorted(REGIONS)
    lines = [
        f"id: {eid}",
        f"name: Synthmuscle {i:05d}",
        f"region: Region {i % 12}",
        f"area: {_q(_sentence(rng, 18))}",
        f"summary: {_q(_sentence(rng, 30))}",
        f"aliases: [synth {i}]",
        "anatomy:",
        f"  origin: {_q(_sentence(rng, 14))}",
        f"  insertion: {_q(_sentence(rng, 10))}",
        "  innervation:",
        f"    nerve: {rng.choice(NERVES)}",
        "    levels: L4–S1",
        f"    note: {_q(_sentence(rng, 16))}",
        "actions:",
    ]
    for k in range(8):
        lines += [f"  - label: Action {k} {rng.choice(WORDS)}", f"    text: {_q(_sentence(rng, 16))}"]
    lines.append("trigger_points:")
    lines.append(f"  - text: {_q(_sentence(rng, 10))}\n    region: {rng.choice(regions)}")
    lines.append("referral:")
    for _ in range(3):
        prim = rng.sample(regions, 2)
        spill = rng.sample(regions, 1)
        lines += [
            f"  - text: {_q(_sentence(rng, 5))}",
            f"    primary: [{', '.join(prim)}]",
            f"    spillover: [{', '.join(spill)}]",
            f"    note: {_q(_sentence(rng, 8))}",
        ]
    lines.append("differentials:")
    for k in range(12):
        lines += [
            f"  - condition: Condition {k} {rng.choice(WORDS)} {rng.choice(WORDS)}",
            f"    distinguish: {_q(_sentence(rng, 30))}",
        ]
    lines.append("associated:")
    for k in rng.sample(range(n), min(4, n - 1) if n > 1 else 0):
        if k != i:
            lines += [f"  - ref: synth-{k:05d}", f"    note: {_q(_sentence(rng, 8))}"]
    for facet in ("indications", "symptoms", "perpetuating"):
        lines.append(f"{facet}:")
        for _ in range(6):
            lines += [f"  - text: {_q(_sentence(rng, 9))}", f"    note: {_q(_sentence(rng, 5))}"]
    lines.append("examination:")
    for k in range(4):
        lines += [f"  - label: Step {k}", f"    text: {_q(_sentence(rng, 12))}"]
    lines.append("treatment:")
    for group in ("dry_needling", "manual_therapy", "stretches", "strengthening", "postural"):
        lines.append(f"  {group}:")
        for k in range(3):
            lines += [f"    - label: {group} {k}", f"      text: {_q(_sentence(rng, 12))}"]
    lines += ["sources:", f"  - {_q('Synthetic source for benchmark entry ' + str(i))}"]
    return "\n".join(lines) + "\n"


def generate(folder: Path, n: int, seed: int = 1) -> Path:
    """Write `n` entries into `folder` (created); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(n):
        (folder / f"synth-{i:05d}.yaml").write_text(entry_yaml(i, n, rng), encoding="utf-8")
    return folder


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
