"""Rosters as each LMS exports them: every student with the id its downloads and import files use."""

from __future__ import annotations

import pytest

from autograder.lms.roster import RosterError, read_roster


def test_canvas_gradebook_export(tmp_path):
    path = tmp_path / "canvas.csv"
    path.write_text('Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (4821)\n'
                    '    Points Possible,,,,,12\n"Lovelace, Ada",1001,S1,ada,Sec A,\n'
                    '"Smith, John",1005,S5,js1,Sec A,\n"Smith, John",1006,S6,js2,Sec B,\n', encoding="utf-8")
    roster = read_roster(path)
    assert roster.kind == "canvas" and [e.lms_id for e in roster.entries] == ["1001", "1005", "1006"]
    assert roster.by_id("1001").extra["SIS Login ID"] == "ada"
    assert roster.by_name("Ada Lovelace").lms_id == "1001"  # "Last, First" read either way
    assert roster.by_name("John Smith") is None and roster.ambiguous("John Smith")


def test_moodle_worksheet_and_blackboard_utf16_tabs(tmp_path):
    moodle = tmp_path / "moodle.csv"
    moodle.write_text("Identifier,Full name,Email address,Status,Grade\nParticipant 801,Zoë Müller,z@x,,\n"
                      "Participant 802,Seán O'Brien,s@x,,\n", encoding="utf-8")
    roster = read_roster(moodle)
    assert roster.kind == "moodle" and roster.by_id("802").name == "Seán O'Brien"
    assert roster.by_name("zoe muller").lms_id == "801"  # accents and case ignored in matching
    bb = tmp_path / "gc.xls"
    bb.write_bytes("Last Name\tFirst Name\tUsername\tStudent ID\nLovelace\tAda\talovelace\t7\n".encode("utf-16"))
    roster = read_roster(bb)
    assert roster.kind == "blackboard" and roster.by_id("alovelace").name == "Ada Lovelace"


def test_plain_csv_and_an_unreadable_roster(tmp_path):
    plain = tmp_path / "class.csv"
    plain.write_text("id,name,email\nada,Ada Lovelace,a@x\n", encoding="utf-8")
    assert read_roster(plain).by_id("ada").name == "Ada Lovelace"
    odd = tmp_path / "odd.csv"
    odd.write_text("who,what\nada,1\n", encoding="utf-8")
    with pytest.raises(RosterError, match="no column says who"):
        read_roster(odd)
