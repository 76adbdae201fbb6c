"""The Lebanon ceasefire's 60-day deadline: moved once, then missed, and who is behind.

The story: the Israel–Lebanon cessation of hostilities took effect on 27 November 2024.
Israel was to withdraw south of the Blue Line within 60 days (by 26 January 2025) while
the Lebanese army deployed south of the Litani. The deadline was missed; a White House
statement extended the arrangement to 18 February 2025; Israel then withdrew from all but
five hilltop positions. Each side said the other had to move first. We replay the record
around each date and list, party by party, what is overdue and what is disputed.
"""

import truce

lebanon = truce.load("lebanon-2024")
withdrawal = next(s for s in lebanon.obligations if s.extensions)

print(f"{withdrawal.obligation.id}: {withdrawal.obligation.text}")
print(f"  original deadline {withdrawal.original_due}, extended to {withdrawal.due}")
for extension in withdrawal.extensions:
    print(f"  extended on {extension.date} by {extension.reported_by}: {extension.text}")
    if extension.source:
        print(f"    [source: {extension.source.cite()}]")

print()
for day in ("2025-01-25", "2025-01-27", "2025-02-18", "2025-03-01"):
    then = lebanon.as_of(day)
    state = then.status(withdrawal.obligation.id)
    overdue = state.days_overdue_on(then.date)
    late = f", {overdue} days overdue" if overdue else ""
    dispute = ", DISPUTED" if state.disputed else ""
    print(f"{day}: phase {then.phase}; withdrawal {state.status_on(then.date)} (due {state.due}{late}{dispute})")

print()
print(f"Who is behind as of {lebanon.date} (data through {lebanon.data_through}):")
for party in lebanon.agreement.parties:
    owed = [s for s in lebanon.obligations if s.obligation.party == party.id]
    if not owed:
        continue
    overdue = [s.obligation.id for s in owed if s.status_on(lebanon.date) == "overdue"]
    disputed = [s.obligation.id for s in owed if s.disputed]
    print(f"  {party.name}: {len(owed)} obligations; overdue: {', '.join(overdue) or 'none'}")
    if disputed:
        print(f"    disputed: {', '.join(disputed)}")
    for state in owed:
        for claim in state.claims:
            print(f"    {claim.date} {claim.party} says {state.obligation.id} is {claim.asserts}: {claim.text}")
