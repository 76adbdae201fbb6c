"""``python -m truce.demo``: the Gaza ceasefire's status and what blocks (or blocked) phase two.

Run by ``make demo``. Every line it prints comes from the bundled, sourced data.
"""

from __future__ import annotations

from truce.opening import load


def main() -> None:
    gaza = load("gaza-2025")
    print(gaza.summary())
    print()
    entered = next((c for c in gaza.phase_history() if c.to_phase == "phase_two"), None)
    if entered is None:
        print("What blocks phase two:")
        print(gaza.blockers("phase_two"))
    else:
        before = entered.date.fromordinal(entered.date.toordinal() - 1)
        print(f"What blocked phase two on {before}, the day before it was declared:")
        print(gaza.as_of(before).blockers("phase_two"))
        print()
        print(f"How phase two began: {entered.describe()}")
    terminal = set(gaza.agreement.terminal)
    onward = [t.trigger for t in gaza.agreement.transitions_from(gaza.phase) if t.to_phase not in terminal]
    for trigger in dict.fromkeys(onward):
        print()
        print(f"What blocks {trigger} now:")
        print(gaza.blockers(trigger))


if __name__ == "__main__":
    main()
