"""When could phase two of the Gaza ceasefire have opened, and what held it back? An ensemble.

The story: on 29 December 2025 the October 2025 Gaza ceasefire was still in phase one, waiting
on the remains of the last deceased hostage. An analyst wants more than one what-if: under
stated assumptions about how long each open obligation takes (here the illustrative ones in
docs/gaza-2025.assumptions.yaml, which are not estimates and not a forecast), when would each
phase open, how likely by a date, which condition is most often the last one met, and how
likely is collapse first? We run 1,000 scenarios from the sourced record of that day, read
the answers, check that a process pool gives the very same numbers for the same seed, and
set them beside what the record shows actually happened next.
"""

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import truce

ASSUMPTIONS = Path(__file__).resolve().parent.parent / "docs" / "gaza-2025.assumptions.yaml"


def main() -> None:
    gaza = truce.load("gaza-2025")
    december = gaza.as_of("2025-12-29")
    assumptions = truce.load_assumptions(ASSUMPTIONS, agreement=gaza.agreement)

    print("== 1,000 scenarios from 2025-12-29, under the assumptions echoed at the end")
    result = truce.ensemble(december, assumptions, 1000, until="2027-12-31", seed=2025)
    print(result)

    print()
    print("== P(phase two open by date)")
    phase_two = result.outlook("phase_two")
    for by in ("2026-01-15", "2026-01-31", "2026-03-31"):
        print(f"  by {by}: {phase_two.probability(by):.0%}")

    print()
    print("== The same seed on a 2-process pool gives the same result, bit for bit")
    with ProcessPoolExecutor(2) as pool:
        pooled = truce.ensemble(december, assumptions, 1000, until="2027-12-31", seed=2025, executor=pool)
    print("  identical:", pooled == result)

    print()
    print("== What the record shows happened next (sourced events, not a scenario)")
    for change in gaza.phase_history()[1:]:
        print(" ", change.describe())


if __name__ == "__main__":
    main()
