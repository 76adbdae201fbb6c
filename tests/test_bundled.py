"""The bundled agreements: every fact sourced, every date inside the agreement's life, known history replayed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import truce
from truce.provenance import copy_only

NAMES = truce.agreements()
#: The latest day the gathered sources cover (about 5 July 2026, see shared/domain/audit-2026-11.md);
#: nothing bundled may be later.
SOURCES_REACH = dt.date(2026, 7, 5)


def test_the_seven_cases_are_bundled():
    assert NAMES == [
        "gaza-2025",
        "gaza-2025-01",
        "iran-israel-2025",
        "israel-lebanon-2026",
        "lebanon-2024",
        "thailand-cambodia-2025",
        "us-iran-2026",
    ]


def _checkable(source: truce.Source | None) -> bool:
    return source is not None and bool(source.title.strip()) and bool(source.publisher)


@pytest.mark.parametrize("name", NAMES)
def test_every_obligation_and_event_has_a_source(name):
    ceasefire = truce.load(name)
    agreement = ceasefire.agreement
    missing = [o.id for o in agreement.obligations if not _checkable(o.source)]
    missing += [e.describe() for e in ceasefire.events if not _checkable(e.source)]
    assert missing == []
    for source in agreement.sources:
        assert source.publisher, f"source {source.key} has no publisher"


@pytest.mark.parametrize("name", NAMES)
def test_every_event_says_who_reports_it_and_what_happened(name):
    for event in truce.load(name).events:
        # a claim's claimant (``party``) is who says it
        assert event.reported_by or (event.kind == "claim" and event.party), event.describe()
        assert event.text, event.describe()


@pytest.mark.parametrize("name", NAMES)
def test_every_date_lies_within_the_agreement_life(name):
    ceasefire = truce.load(name)
    agreement = ceasefire.agreement
    start = agreement.agreed or agreement.in_force
    end = agreement.ended or agreement.data_through or SOURCES_REACH
    outside = [e.describe() for e in ceasefire.events if not start <= e.date <= end]
    outside += [
        f"{o.id} due {o.due.date}" for o in agreement.obligations if o.due and o.due.date and o.due.date < start
    ]
    assert outside == []
    assert agreement.in_force <= SOURCES_REACH
    for source in agreement.sources:
        assert source.date is None or source.date <= SOURCES_REACH


@pytest.mark.parametrize("name", NAMES)
def test_every_agreement_has_a_sourced_log(name):
    ceasefire = truce.load(name)
    assert ceasefire.events, name
    assert all(e.source is not None for e in ceasefire.events)


def _cited(ceasefire: truce.Ceasefire) -> list[truce.Source]:
    agreement = ceasefire.agreement
    found = [*agreement.sources, *(e.source for e in ceasefire.events if e.source)]
    found += [x.source for x in (*agreement.parties, *agreement.obligations, *agreement.facts) if x.source]
    found += [x.source for x in (*agreement.phases, *agreement.transitions) if x.source]
    return found


COPY_NAMES_ITS_ORIGINAL = re.compile(
    r"cop(y|ies)|citing|summar|repost|translat|syndicat|mirror|encyclop|aggregat", re.IGNORECASE
)


@pytest.mark.parametrize("name", NAMES)
def test_every_source_has_a_kind_and_a_copy_says_what_it_copies(name):
    for source in _cited(truce.load(name)):
        assert source.kind is not None, source.cite()
        if source.kind == "copy":
            assert COPY_NAMES_ITS_ORIGINAL.search(source.publisher or ""), source.cite()


@pytest.mark.parametrize("name", NAMES)
def test_no_copy_stands_alone_behind_a_status_change(name):
    """A report that settles an obligation or moves its deadline needs more than a copy.

    (Progress counts that leave the status as it was, facts and phase moves may rest on a copy
    where no stronger source was found; ``truce check`` warns about each.)
    """
    ceasefire = truce.load(name)
    status_changing = {"fulfilled", "breached", "waived", "extended"}
    weak = [e.describe() for e in copy_only(ceasefire.events) if e.kind in status_changing]
    weak += [
        e.describe()
        for e in copy_only(ceasefire.events)
        if e.kind == "progress" and e.obligation is not None and _changed_status(ceasefire, e)
    ]
    assert weak == []


def _changed_status(ceasefire: truce.Ceasefire, event: truce.Event) -> bool:
    before = ceasefire.as_of(event.date - dt.timedelta(days=1)).status(event.obligation).status_on(event.date)
    return ceasefire.as_of(event.date).status(event.obligation).status_on(event.date) != before


@pytest.mark.parametrize("name", NAMES)
def test_links_between_agreements_are_mutual_and_bundled(name):
    agreement = truce.load(name).agreement
    for other in agreement.superseded_by:
        assert name in truce.load(other).agreement.supersedes
    for other in agreement.supersedes:
        assert name in truce.load(other).agreement.superseded_by
        assert truce.load(other).agreement.ended is not None


@pytest.mark.parametrize("name", NAMES)
def test_source_urls_are_web_addresses(name):
    agreement = truce.load(name).agreement
    for source in agreement.sources:
        assert source.url is None or source.url.startswith("https://"), source.url


@pytest.mark.parametrize("name", NAMES)
def test_bundled_agreements_verify_and_round_trip(name):
    agreement = truce.load(name).agreement
    assert truce.verify(agreement).ok
    assert truce.load_agreement(f"{name}.yaml", text=truce.dump_agreement(agreement)) == agreement


# --- gaza-2025: what blocks phase two, told truthfully -------------------------------


def test_gaza_december_2025_blocked_only_by_the_last_deceased_hostage():
    december = truce.load("gaza-2025").as_of("2025-12-29")
    assert december.phase == "phase_one"
    blockers = december.blockers("phase_two")
    assert [b.obligation for b in blockers] == ["deceased_hostages_remains_returned"]
    (remains,) = blockers
    assert remains.party == "hamas"
    assert (remains.progress, remains.target) == (27, 28)
    assert remains.due == dt.date(2025, 10, 13)
    assert remains.days_overdue == 77
    assert {b.obligation for b in blockers.met} == {
        "idf_withdrawal_to_yellow_line",
        "living_hostages_released",
        "prisoners_released",
    }


def test_gaza_phase_two_was_declared_irregularly_and_the_remains_came_later():
    gaza = truce.load("gaza-2025")
    change = next(c for c in gaza.phase_history() if c.to_phase == "phase_two")
    assert change.date == dt.date(2026, 1, 14)
    assert change.irregular
    assert [v.guard.to_expr() for v in change.unmet] == ["fulfilled(deceased_hostages_remains_returned)"]
    assert change.event is not None
    assert change.event.source is not None
    remains = gaza.status("deceased_hostages_remains_returned")
    assert (remains.base, remains.since) == ("fulfilled", dt.date(2026, 1, 26))


def test_gaza_isf_deployment_is_unknown_and_the_committee_is_not_in_gaza():
    gaza = truce.load("gaza-2025")
    blockers = gaza.blockers("isf_deployment")
    isf = next(b for b in blockers if b.fact == "isf_troops_in_gaza")
    assert isf.truth == "unknown"
    committee = next(b for b in blockers if b.obligation == "technocratic_committee_established")
    assert committee.truth == "false"
    assert (committee.progress, committee.target) == (1, 2)


def test_gaza_palestinian_remains_complete_and_rafah_closed_again():
    gaza = truce.load("gaza-2025")
    remains = gaza.status("palestinian_remains_returned")
    assert (remains.base, remains.since, remains.progress) == ("fulfilled", dt.date(2026, 1, 29), 360)
    assert gaza.as_of("2026-02-27").status("rafah_crossing_opened").base == "fulfilled"
    assert gaza.status("rafah_crossing_opened").base == "breached"


# --- gaza-2025-01: the January 2025 ceasefire never reached phase two ------------------


def test_january_2025_replays_the_known_history():
    january = truce.load("gaza-2025-01")
    assert january.as_of("2025-02-01").phase == "phase_one"
    assert january.as_of("2025-03-02").phase == "phase_one_expired"
    assert january.as_of("2025-03-17").phase == "phase_one_expired"
    assert january.as_of("2025-03-18").phase == "collapsed"
    assert january.phase == "collapsed"
    assert all(c.to_phase != "phase_two" for c in january.phase_history())


def test_january_2025_names_what_blocked_phase_two_on_1_march():
    blockers = truce.load("gaza-2025-01").as_of("2025-03-01").blockers("phase_two")
    assert blockers
    assert "phase_two_terms_agreed" in blockers.obligations


# --- lebanon-2024: a deadline moved by a third party, and kept visible -----------------


def test_lebanon_withdrawal_deadline_extension_keeps_the_original():
    march = truce.load("lebanon-2024").as_of("2025-03-01")
    withdrawal = next(s for s in march.obligations if s.extensions and s.obligation.party == "israel")
    assert withdrawal.original_due == dt.date(2025, 1, 26)
    assert withdrawal.due == dt.date(2025, 2, 18)
    assert withdrawal.status_on(march.date) == "overdue"
    assert withdrawal.disputed


# --- iran-israel-2025: unwritten, staggered, disputed ------------------------------------


def test_iran_israel_is_unwritten_and_its_second_stage_irregular():
    iran = truce.load("iran-israel-2025")
    assert iran.agreement.written is False
    assert iran.as_of("2025-06-25").phase == "war_ended"
    assert [c.irregular for c in iran.phase_history()[1:]] == [True, False, False]
    assert any(e.time for e in iran.events)


def test_a_war_declared_ended_can_still_be_recorded_as_resumed():
    iran = truce.load("iran-israel-2025")
    assert "war_ended" not in iran.agreement.terminal
    assert iran.as_of("2026-02-27").phase == "war_ended"
    assert iran.phase == "collapsed"
    assert iran.phase_history()[-1].date == dt.date(2026, 2, 28)


def test_lebanon_2024_collapsed_on_2_march_2026():
    lebanon = truce.load("lebanon-2024")
    assert lebanon.phase == "collapsed"
    assert lebanon.as_of("2026-03-01").phase == "state_monopoly"
    change = lebanon.phase_history()[-1]
    assert (change.date, change.to_phase, change.irregular) == (dt.date(2026, 3, 2), "collapsed", False)
    assert lebanon.agreement.ended == dt.date(2026, 3, 2)


def test_january_2025_records_the_reported_phase_one_steps():
    january = truce.load("gaza-2025-01")
    cabinet = [e for e in january.events if e.kind == "incident" and "24 votes to 8" in (e.text or "")]
    assert [e.date for e in cabinet] == [dt.date(2025, 1, 18)]
    assert january.status("displaced_return_north").since == dt.date(2025, 1, 27)
    assert january.status("rafah_opened").since == dt.date(2025, 2, 1)
    assert not any("12:15" in (e.text or "") for e in january.events)


def test_lebanon_2024_four_ministers_walked_out():
    walkout = next(e for e in truce.load("lebanon-2024").events if "walk out" in (e.text or "") and "Jaber" in e.text)
    assert "four Shiite ministers" in walkout.text
    assert walkout.date == dt.date(2025, 8, 7)


# --- the successors --------------------------------------------------------------------


def test_successors_follow_the_collapsed_agreements():
    assert truce.successor("lebanon-2024").agreement.id == "israel-lebanon-2026"
    assert truce.successor("iran-israel-2025").agreement.id == "us-iran-2026"
    assert truce.predecessor("israel-lebanon-2026").agreement.id == "lebanon-2024"
    assert truce.successor("gaza-2025") is None


def test_the_security_annex_keeps_the_pilot_zone_handover_unknown():
    blockers = truce.load("israel-lebanon-2026").blockers("pilot_zone_handover")
    annex = next(b for b in blockers if b.fact == "security_annex_terms_met")
    assert annex.truth == "unknown"


def test_the_lebanon_scope_of_the_us_iran_truce_stays_a_dispute():
    us_iran = truce.load("us-iran-2026")
    claims = {(e.party, e.value) for e in us_iran.events if e.fact == "scope_includes_lebanon"}
    assert {("israel", False), ("us", False), ("iran", True), ("pakistan", True)} <= claims
    assert "scope_includes_lebanon" not in us_iran.facts
    assert us_iran.status("final_deal_agreed").due == dt.date(2026, 8, 17)


def test_the_thailand_cambodia_72_hour_clause_was_met():
    tc = truce.load("thailand-cambodia-2025")
    assert tc.as_of("2025-12-30").phase == "renewed_ceasefire"
    assert tc.phase == "held_72_hours"
    assert tc.status("pows_returned_after_72_hours").since == dt.date(2025, 12, 31)
    assert [c.to_phase for c in tc.phase_history()].count("fighting") == 1
