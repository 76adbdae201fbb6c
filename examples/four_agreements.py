"""The bundled ceasefires side by side: where each stands and who is keeping what.

The story: analysts compare cases. For each bundled agreement we print its current phase,
the last date its data covers, whether it moved irregularly (reality before the guards),
and its obligations counted by status: fulfilled, overdue, breached, disputed, pending.
"""

from collections import Counter

import truce

header = f"{'agreement':<24}{'phase':<20}{'data through':<14}{'irregular':<10}{'fulfilled':>10}{'overdue':>9}"
header += f"{'breached':>9}{'disputed':>9}{'pending':>8}{'total':>7}"
print(header)
print("-" * len(header))
for name in truce.agreements():
    ceasefire = truce.load(name)
    counts = Counter(str(s.status_on(ceasefire.date)) for s in ceasefire.obligations)
    disputed = sum(s.disputed for s in ceasefire.obligations)
    irregular = sum(c.irregular for c in ceasefire.phase_history())
    print(
        f"{name:<24}{ceasefire.phase:<20}{ceasefire.data_through!s:<14}{irregular:<10}{counts['fulfilled']:>10}"
        f"{counts['overdue']:>9}{counts['breached']:>9}{disputed:>9}{counts['pending']:>8}"
        f"{len(ceasefire.obligations):>7}"
    )
print()
print("Counts are of obligations as the sourced events have them; claims alone never settle one.")
