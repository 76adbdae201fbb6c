"""From the Lebanon ceasefire of November 2024 to its successor of April 2026.

The story: an analyst asks where the Israel–Lebanon ceasefire stands. The November 2024
cessation of hostilities never reached implementation: on the eve of its collapse, all five
conditions of "implemented" were unmet, the Israeli withdrawal among them, overdue for more
than a year and disputed. On 2 March 2026, after the US–Israeli strikes on Iran, Hezbollah
fired on Israel and full-scale war resumed. The agreement's definition links it to the one
that followed: a 10-day ceasefire from 17 April 2026, extended twice, made conditional on
3 June, and a 14-point framework signed on 26 June. We walk from one to the other: what
blocked, what collapsed, and what the successor requires now, with the sources.
"""

import truce

old = truce.load("lebanon-2024")
print(f"== {old.agreement.title}")
print(f"   {old!r}")

# 1. What blocked implementation, on the last day before the collapse
eve = old.as_of("2026-03-01")
blocked = eve.blockers("implemented")
print()
print(f"What blocked implementation on {eve.date}: {len(blocked)} unmet condition(s)")
for blocker in blocked:
    print(blocker.line())

# 2. What collapsed, and on what evidence
collapse = old.phase_history()[-1]
print()
print(f"What collapsed: {collapse.describe()}")
assert collapse.event is not None
assert collapse.event.source is not None
print(f"   {collapse.event.text}")
print(f"   [source: {collapse.event.source.cite()}]")

# 3. The successor, found through the definition's link
new = truce.successor(old)
assert new is not None
print()
print(f"== successor: {new.agreement.title} ({new.agreement.id})")
print(f"   supersedes {', '.join(new.agreement.supersedes)}; data through {new.agreement.data_through}")
for change in new.phase_history():
    print(f"   {change.describe()}")

# 4. The temporary ceasefire's deadline, moved twice before the framework was signed
term = new.status("arrangements_agreed_before_expiry")
print()
print(f"Deadline: originally {term.original_due}, extended to {', '.join(str(e.due) for e in term.extensions)};")
print(f"   {term.status_on(new.date)} on {term.since}")
for extension in term.extensions:
    print(f"   extended on {extension.date}: [source: {extension.source.cite() if extension.source else '-'}]")

# 5. What the successor requires now: the next step and what blocks it
print()
print(new.blockers("pilot_zone_handover"))
print()
print(
    "A '?' is unknown, not false: the Security Annex is confidential, so whether its terms are "
    f"met cannot be known from the sources. After {new.agreement.data_through} the record is unknown."
)
