"""Replaying the January 2025 Gaza ceasefire: the day phase two should have begun, and did not.

The story: the ceasefire took effect on 19 January 2025 with three phases of 42 days.
Talks on phase two were due to begin on day 16 (3 February); phase one ran out on day 42
(1 March) with no phase-two deal; a period of relative calm followed until Israel resumed
large-scale strikes on 18 March. We walk through those dates and ask truce, each time,
where the agreement stood and what blocked phase two.
"""

import truce

january = truce.load("gaza-2025-01")
talks = january.status("phase_two_talks_begin")
print(f"Phase-two talks were due on {talks.due} (day 16).")

for day, label in (
    ("2025-02-01", "two days before the talks deadline"),
    ("2025-02-04", "the day after it"),
    ("2025-03-01", "day 42: phase one runs out"),
    ("2025-03-17", "the eve of the collapse"),
    ("2025-03-18", "Israel resumes large-scale strikes"),
):
    then = january.as_of(day)
    print(f"\n== {day} ({label}): phase {then.phase}")
    if "phase_two" in {t.to_phase for t in then.agreement.transitions_from(then.phase)}:
        print(then.blockers("phase_two"))
    talks_then = then.status("phase_two_talks_begin")
    print(f"phase-two talks: {talks_then.status_on(then.date)}")

print("\nPhase changes:")
for change in january.phase_history():
    print(" ", change.describe())
print("Phase two was never entered:", all(c.to_phase != "phase_two" for c in january.phase_history()))
