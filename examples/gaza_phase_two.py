"""What blocked phase two of the October 2025 Gaza ceasefire, and what would have unblocked it.

The story: the ceasefire took effect on 10 October 2025. Phase one was the exchange:
all living hostages, the remains of all 28 deceased hostages, ~1,950 Palestinian
prisoners, and the IDF pullback to the "yellow line". By late December all but one
deceased hostage's remains had come back. We ask truce what blocked phase two on
29 December 2025, check what a single hypothetical report would change, and then look
at how phase two actually began: declared on 14 January 2026, before its conditions
were met, which truce records as an irregular transition. Along the way: the smallest
set of obligations that would open phase two, and the same question asked as one party's
claims have it.
"""

import truce

gaza = truce.load("gaza-2025")
december = gaza.as_of("2025-12-29")

print("== What blocks phase two on 2025-12-29?")
blockers = december.blockers("phase_two")
print(blockers)

print()
print("== Who owes what (one line per unmet condition)")
for blocker in blockers:
    print(f"{blocker.obligation}: owed by {blocker.party_name}, due {blocker.due}, {blocker.days_overdue} days overdue")

print()
print("== The least that would unblock it")
print(december.unblock("phase_two"))

print()
print("== What if the last remains had come back that day? (a what-if: the record is untouched)")
hypothetical = december.what_if(fulfil=["deceased_hostages_remains_returned"])
print(hypothetical.blockers("phase_two").headline())
print("could advance:", hypothetical.can("begin_phase_two"))
print("the real record is untouched:", december.can("begin_phase_two") is False)

print()
print("== What Hamas's own claims would say")
print(december.blockers("phase_two", view="hamas").headline())

print()
print("== How phase two actually began")
for change in gaza.phase_history():
    print(change.describe())
