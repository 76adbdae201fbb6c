"""Model a ceasefire in plain Python, track it, and ask what blocks the next phase.

The story: a made-up two-phase truce. Phase two may begin once the militia has freed its
detainees and monitors are on the ground. We build the agreement with truce's attrs
classes (no YAML), record a few sourced events, try to advance too early (truce refuses
and explains, changing nothing), and then advance once the guard holds.
"""

import datetime as dt

import truce
from truce import Agreement, Event, FactDef, Obligation, Party, Phase, Source, Transition, parse_guard

text = Source("Example truce text", "Example mediators", dt.date(2025, 5, 1))
agreement = Agreement(
    id="example",
    title="Example truce",
    in_force=dt.date(2025, 5, 1),
    parties=[Party("militia", "Hill militia", "armed_group"), Party("army", "National army", "state")],
    facts=[FactDef("monitors", "Monitors on the ground", unit="monitors", source=text)],
    obligations=[
        Obligation(
            "detainees_freed",
            "militia",
            "Free all 6 detainees within 3 days",
            text,
            kind="release_exchange",
            due=truce.Due(after="in_force", days=3),
            measure=truce.Measure("detainees", 6),
        ),
    ],
    phases=[Phase("phase_one"), Phase("phase_two"), Phase("collapsed")],
    initial="phase_one",
    terminal=["collapsed"],
    transitions=[
        Transition(
            "begin_phase_two",
            ["phase_one"],
            "phase_two",
            parse_guard("fulfilled(detainees_freed) and fact(monitors) >= 5"),
        ),
        Transition("collapse", ["phase_one", "phase_two"], "collapsed"),
    ],
)

truce_ = truce.Ceasefire(agreement)
wire = Source("Example Wire report", "Example Wire", dt.date(2025, 5, 3))
truce_.record(Event("2025-05-03", "progress", obligation="detainees_freed", value=4, reported_by="army", source=wire))
truce_.record(Event("2025-05-05", "fact", fact="monitors", value=6, reported_by="mediators", source=wire))
print(truce_)
print(truce_.blockers("phase_two"))

try:
    truce_.advance("begin_phase_two")
except truce.TransitionBlocked as refused:
    print("\nrefused, nothing changed:", truce_.phase, "-", len(refused.blockers), "condition(s) unmet")

truce_.record(Event("2025-05-06", "fulfilled", obligation="detainees_freed", reported_by="mediators", source=wire))
print("\nadvanced to", truce_.advance("begin_phase_two"))
print(truce_.summary())
