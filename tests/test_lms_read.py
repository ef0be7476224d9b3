"""Reading LMS downloads: every student by the LMS's own id, the right attempt, every file's fate."""

from __future__ import annotations

from pathlib import Path

import pytest
from lms_downloads import RIGHT, STUB, T0, canvas, put, zipped

from autograder.lms.model import DownloadError, Fate
from autograder.lms.read import read_download

EXERCISES = ["ex01_sigmoid", "ex02_forward_pass", "ex03_decision_boundary", "ex04_nll"]


def read(folder: Path, tmp: Path, **kw):
    return read_download(folder, EXERCISES, tmp / "unpacked", **kw)


def fates(download) -> dict[str, tuple[Fate, str]]:
    return {f.handed: (f.fate, f.why) for f in download.files}


def test_canvas_ids_late_flags_same_names_and_resubmissions(tmp_path):
    d = read(canvas(tmp_path / "dl"), tmp_path)
    assert d.source == "canvas"
    graded = {k: v[0] for k, v in d.attempts.items()}
    assert set(graded) == {(i, "ex01_sigmoid") for i in
                           ("1001", "1002", "1003", "1004", "1005", "1006", "anon_Xy7Qz", "1008")}
    assert d.submitters["1003"].name == "müllerlüdenscheidtzoë"  # accents kept, _LATE not part of the name
    assert graded[("1002", "ex01_sigmoid")].lms_late is True and graded[("1001", "ex01_sigmoid")].lms_late is False
    # two John Smiths: two students, two keys
    assert d.submitters["1005"].key != d.submitters["1006"].key
    # the later upload (Canvas's -1) wins; the first is superseded, with the reason
    assert graded[("1004", "ex01_sigmoid")].name == "ex01_sigmoid-1.ipynb"
    f = fates(d)
    assert f["obrienseán_1004_5004_ex01_sigmoid.ipynb"][0] is Fate.SUPERSEDED
    assert d.submitters["anon_Xy7Qz"].anonymous
    # a zip per student: its notebook graded under the student's id, the pdf refused
    assert graded[("1008", "ex01_sigmoid")].path.read_text() == RIGHT
    assert f["hoppergrace_1008_5008_homework.zip/hw/notes.pdf"][0] is Fate.REFUSED
    assert f["turingalan_1009_text.html"][0] is Fate.REFUSED
    assert f["readme.txt"][0] is Fate.NOT_RECOGNISED
    listed = {h.handed for h in d.files}
    assert {str(p.relative_to(tmp_path / "dl")) for p in (tmp_path / "dl").iterdir() if p.suffix != ".zip"} <= listed


def test_moodle_folders_blind_marking_and_a_browser_renamed_resubmission(tmp_path):
    # locallib.php download_submissions: "<Full name>_<participant id>_assignsubmission_file_/<file>"
    dl = tmp_path / "dl"
    put(dl / "Ada Lovelace_801_assignsubmission_file_" / "ex01_sigmoid.ipynb", STUB, T0)
    put(dl / "Ada Lovelace_801_assignsubmission_file_" / "ex01_sigmoid (1).ipynb", RIGHT, T0 + 3600)
    put(dl / "Zoë Müller-Lüdenscheidt_802_assignsubmission_file_" / "ex01_sigmoid.ipynb", RIGHT, T0)
    put(dl / "Seán O'Brien_803_assignsubmission_file_" / "ex01_sigmoid.ipynb", RIGHT, T0)
    put(dl / "John Smith_804_assignsubmission_file_" / "ex01_sigmoid.ipynb", RIGHT, T0)
    put(dl / "Zoe\u0308 Doe_806_assignsubmission_file_" / "ex01_sigmoid.ipynb", RIGHT, T0)  # packed on macOS
    put(dl / "John Smith_805_assignsubmission_file_" / "ex01_sigmoid.ipynb", STUB, T0)
    put(dl / "Ada Lovelace_801_assignsubmission_onlinetext_" / "onlinetext.html", "<p>hi</p>", T0)
    d = read(dl, tmp_path)
    assert d.source == "moodle"
    assert d.attempts[("801", "ex01_sigmoid")][0].name == "ex01_sigmoid (1).ipynb"  # the newer file
    assert d.submitters["802"].name == "Zoë Müller-Lüdenscheidt" and d.submitters["803"].name == "Seán O'Brien"
    assert "Zoë" in d.submitters["806"].name and len(d.submitters["806"].name) == len("Zoë Doe")  # NFD made NFC
    assert d.submitters["804"].key == "John Smith (804)" and d.submitters["805"].key == "John Smith (805)"
    f = fates(d)
    assert f["Ada Lovelace_801_assignsubmission_file_/ex01_sigmoid.ipynb"][0] is Fate.SUPERSEDED
    assert f["Ada Lovelace_801_assignsubmission_onlinetext_/onlinetext.html"][0] is Fate.REFUSED

    blind = tmp_path / "blind"
    put(blind / "Participant_801_assignsubmission_file_" / "ex01_sigmoid.ipynb", RIGHT, T0)
    put(blind / "Participant_802_assignsubmission_file_" / "ex01_sigmoid.ipynb", RIGHT, T0)
    d = read(blind, tmp_path / "b")
    assert {w.lms_id for w in d.submitters.values()} == {"801", "802"}
    assert all(w.anonymous and w.key == w.lms_id for w in d.submitters.values())


def test_blackboard_attempts_are_one_student_and_receipts_are_read(tmp_path):
    # <assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>, and a receipt .txt per attempt
    dl = tmp_path / "dl"
    for user, name, when, text in (("alovelace", "Ada Lovelace", "2026-03-01-10-00-00", STUB),
                                   ("alovelace", "Ada Lovelace", "2026-03-02-09-30-00", RIGHT),
                                   ("j_smith", "John Smith", "2026-03-01-11-00-00", RIGHT),
                                   ("jsmith2", "John Smith", "2026-03-01-11-05-00", STUB)):
        head = f"Homework 1_{user}_attempt_{when}"
        put(dl / f"{head}_ex01_sigmoid.ipynb", text)
        put(dl / f"{head}.txt", f"Name: {name} ({user})\nAssignment: Homework 1\nDate Submitted: ...\n\nFiles:\n"
                                f"\tOriginal filename: ex01_sigmoid.ipynb\n\tFilename: {head}_ex01_sigmoid.ipynb\n")
    put(dl / "Homework 1_cbabbage_attempt_2026-03-01-12-00-00.txt", "Name: Charles Babbage (cbabbage)\n"
                                                                     "Submission Field:\nsee my engine\n")
    d = read(dl, tmp_path)
    assert d.source == "blackboard"
    # the receipt settles "j_smith"; a text-only attempt (a receipt alone) still names its student
    assert set(d.submitters) == {"alovelace", "j_smith", "jsmith2", "cbabbage"}
    chosen = d.attempts[("alovelace", "ex01_sigmoid")]
    assert len(chosen) == 2 and chosen[0].submitted_at.day == 2
    assert sum(f.fate is Fate.RECEIPT for f in d.files) == 5
    assert sum(f.fate is Fate.SUPERSEDED for f in d.files) == 1


def test_brightspace_names_matched_against_its_roster(tmp_path):
    # "<n>-<n> - First Last - Mon D, YYYY HMM AM - <file>" and index.html
    dl = tmp_path / "dl"
    put(dl / "101-201 - Ada Lovelace - Mar 29, 2026 1205 PM - ex01_sigmoid.ipynb", STUB)
    put(dl / "101-202 - Ada Lovelace - Mar 30, 2026 905 AM - ex01_sigmoid.ipynb", RIGHT)
    put(dl / "101-203 - Zoë Müller - Mar 29, 2026 1110 PM - ex01_sigmoid.ipynb", RIGHT)
    put(dl / "101-204 - John Smith - Mar 29, 2026 1110 PM - ex01_sigmoid.ipynb", RIGHT)
    put(dl / "101-205 - Zoe Muller - Mar 30, 2026 1110 PM - ex01_sigmoid.ipynb", STUB)  # one student, two spellings
    put(dl / "index.html", "<html></html>")
    roster = tmp_path / "grades.csv"
    roster.write_text("OrgDefinedId,Username,Last Name,First Name,Email,End-of-Line Indicator\n"
                      "#9001,#alove,Lovelace,Ada,ada@x,#\n#9002,#zmuller,Müller,Zoë,z@x,#\n"
                      "#9003,#jsmith,Smith,John,j@x,#\n#9004,#jsmith2,Smith,John,j2@x,#\n#9005,#absent,Turing,Alan,a@x,#\n",
                      encoding="utf-8")
    from autograder.lms.roster import read_roster

    d = read(dl, tmp_path, roster=read_roster(roster))
    assert d.source == "brightspace"
    assert d.attempts[("alove", "ex01_sigmoid")][0].submitted_at.day == 30
    assert len(d.attempts[("zmuller", "ex01_sigmoid")]) == 2  # "Zoë Müller" and "Zoe Muller": one student
    assert sum(w.lms_id == "zmuller" for w in d.submitters.values()) == 1
    assert ("John Smith", "ex01_sigmoid") in d.attempts  # two John Smiths on the roster: matched to neither
    assert any("John Smith" in n and "two students" in n for n in d.notes)
    assert [w.lms_id for w in d.absent] == ["jsmith", "jsmith2", "absent"]
    assert fates(d)["index.html"][0] is Fate.RECEIPT


def test_gradescope_export_reads_its_metadata(tmp_path):
    dl = tmp_path / "export" / "assignment_4711_export"  # the export's own folder
    put(dl / "submission_111" / "ex01_sigmoid.ipynb", RIGHT)
    put(dl / "submission_112" / "ex01_sigmoid.ipynb", STUB)
    (dl / "submission_metadata.yml").write_text(
        "submission_111:\n  :submitters:\n  - :name: Ada Lovelace\n    :sid: '2001'\n    :email: ada@x\n"
        "  :created_at: 2026-03-01 12:05:00.000000000 -07:00\n"
        "submission_112:\n  :submitters:\n  - :name: Zoë Müller\n    :sid: '2002'\n    :email: z@x\n"
        "  - :name: Grace Hopper\n    :email: grace@x\n"  # a group: no SID, the email
        "  :created_at: 2026-03-01 13:05:00.000000000 -07:00\n", encoding="utf-8")
    d = read(tmp_path / "export", tmp_path)
    assert d.source == "gradescope" and set(d.submitters) == {"2001", "2002", "grace@x"}
    assert d.attempts[("grace@x", "ex01_sigmoid")][0].path == d.attempts[("2002", "ex01_sigmoid")][0].path
    assert fates(d)["assignment_4711_export/submission_metadata.yml"][0] is Fate.RECEIPT
    assert d.submitters["2002"].name == "Zoë Müller"
    assert d.attempts[("2001", "ex01_sigmoid")][0].submitted_at.utcoffset().total_seconds() == -7 * 3600


def test_nbgrader_folders_and_flat_files(tmp_path):
    put(tmp_path / "nb" / "submitted" / "ada" / "ex01_sigmoid" / "ex01_sigmoid.ipynb")
    put(tmp_path / "nb" / "submitted" / "ada" / "ex01_sigmoid" / "helper.py", "x = 1\n")
    d = read(tmp_path / "nb", tmp_path / "a")
    chosen = d.attempts[("ada", "ex01_sigmoid")]
    assert len(chosen) == 1 and chosen[0].own_folder
    assert fates(d)["submitted/ada/ex01_sigmoid/helper.py"][0] is Fate.GRADED

    # a package beside the notebook goes with it, however new its files are
    put(tmp_path / "pk" / "ben" / "ex01_sigmoid" / "ex01_sigmoid.py", when=T0)
    put(tmp_path / "pk" / "ben" / "ex01_sigmoid" / "mylib" / "__init__.py", "", when=T0 + 60)
    put(tmp_path / "pk" / "ben" / "ex01_sigmoid" / "mylib" / "act.py", "x = 1\n", when=T0 + 60)
    d = read(tmp_path / "pk", tmp_path / "p")
    chosen = d.attempts[("ben", "ex01_sigmoid")]
    assert [a.name for a in chosen] == ["ex01_sigmoid.py"] and chosen[0].own_folder
    assert fates(d)["ben/ex01_sigmoid/mylib/act.py"] == (Fate.GRADED, "copied beside ex01_sigmoid.py")

    put(tmp_path / "flat" / "ada_ex01_sigmoid.ipynb")
    zipped(tmp_path / "flat" / "cleo.zip", {"homework/ex01_sigmoid.ipynb": RIGHT})
    (tmp_path / "flat" / "dan.zip").write_bytes(b"not a zip")
    d = read(tmp_path / "flat", tmp_path / "b")
    assert {k for k in d.attempts} == {("ada", "ex01_sigmoid"), ("cleo", "ex01_sigmoid")}
    # dan.zip names no exercise: its reason stands for every exercise dan has nothing else for,
    # without adding exercises to the class's
    assert "not a readable zip" in d.unplaced["dan"] and not any(s == "dan" for s, _ in d.problems)


def test_a_folder_name_is_the_student_exactly(tmp_path):
    """`_ada` and `ada` are two students: a folder's name is not cleaned like a flat file's prefix."""
    for student in ("_ada", "ada", "ada-"):
        put(tmp_path / "plain" / student / "ex01_sigmoid" / "ex01_sigmoid.ipynb")
    put(tmp_path / "plain" / "ben" / "homework" / "ex01_sigmoid.ipynb")
    d = read(tmp_path / "plain", tmp_path / "a")
    assert set(d.attempts) == {(s, "ex01_sigmoid") for s in ("_ada", "ada", "ada-", "ben")}

    put(tmp_path / "flat" / "ada-ex01_sigmoid.ipynb")
    put(tmp_path / "flat" / "_ben__ex01_sigmoid.ipynb")
    d = read(tmp_path / "flat", tmp_path / "b")
    assert set(d.attempts) == {("ada", "ex01_sigmoid"), ("_ben", "ex01_sigmoid")}


def test_a_download_zip_and_unsafe_members(tmp_path):
    """A member whose path leads out is never written, and its student (named by the member's name
    without the parts that lead out) is a student whose file was refused, not dropped."""
    archive = zipped(tmp_path / "submissions.zip", {"lovelaceada_1001_5001_ex01_sigmoid.ipynb": RIGHT,
                                                    "../../escape_1002_5002_ex01_sigmoid.ipynb": RIGHT})
    d = read(archive, tmp_path)
    assert set(d.submitters) == {"1001", "1002"} and set(d.attempts) == {("1001", "ex01_sigmoid")}
    assert "leads out of the zip's folder" in d.problems[("1002", "ex01_sigmoid")]
    assert fates(d)["../../escape_1002_5002_ex01_sigmoid.ipynb"][0] is Fate.REFUSED
    assert not list(tmp_path.rglob("escape_*"))


def test_empty_and_unrecognised_downloads_are_errors_that_say_what_was_found(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DownloadError, match="holds no files"):
        read(tmp_path / "empty", tmp_path)
    put(tmp_path / "odd" / "notes.txt", "hello")
    put(tmp_path / "odd" / "picture.png", "png")
    with pytest.raises(DownloadError, match=r"2 file\(s\) \(notes.txt, picture.png\)"):
        read(tmp_path / "odd", tmp_path)


def test_from_names_the_source_and_nothing_else_reads(tmp_path):
    dl = canvas(tmp_path / "dl")
    put(dl / "Ada Lovelace_801_assignsubmission_file_" / "ex01_sigmoid.ipynb")
    d = read(dl, tmp_path, source_name="canvas")
    assert fates(d)["Ada Lovelace_801_assignsubmission_file_/ex01_sigmoid.ipynb"][0] is Fate.NOT_RECOGNISED
    with pytest.raises(KeyError, match="unknown source"):
        read(dl, tmp_path, source_name="webct")


def test_a_link_loop_ends_and_linked_files_are_refused_with_the_reason(tmp_path):
    put(tmp_path / "dl" / "ada" / "ex01_sigmoid.ipynb")
    (tmp_path / "dl" / "ada" / "loop").symlink_to(tmp_path / "dl")  # a link back up
    d = read(tmp_path / "dl", tmp_path)
    assert ("ada", "ex01_sigmoid") in d.attempts
    assert fates(d)["ada/loop/"] == (Fate.REFUSED, "a link to a folder above it (a loop): not read")


def test_accented_names_in_a_zip_without_the_utf8_flag(tmp_path):
    import zipfile

    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("Zoë Müller_802_assignsubmission_file_/ex01_sigmoid.ipynb")
        zf.writestr(info, RIGHT)
    raw = archive.read_bytes()
    # what a packer that writes UTF-8 names without saying so leaves: the flag bit cleared
    name = "Zoë Müller_802_assignsubmission_file_/ex01_sigmoid.ipynb".encode()
    patched = bytearray(raw)
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = raw.find(header)
        flags = at + (6 if header == b"PK\x03\x04" else 8)
        patched[flags + 1] &= ~0x08  # bit 11 (0x800) is bit 3 of the flags' second byte
    archive.write_bytes(bytes(patched))
    assert name in archive.read_bytes()
    d = read(archive, tmp_path)
    assert d.submitters["802"].name == "Zoë Müller"


def test_a_member_that_cannot_be_written_is_refused_alone_not_the_whole_download(tmp_path):
    """One student's file name past the file system's 255 bytes (an LMS keeps the name as uploaded,
    after its own prefix), or a file where another member needs a folder, refused the whole zip:
    the class went ungraded. Each is refused with the reason; everyone else is read."""
    long_name = "lovelaceada_1001_5001_" + "é" * 120 + "_ex01_sigmoid.ipynb"  # 240 characters, 361 bytes
    archive = zipped(tmp_path / "submissions.zip", {long_name: RIGHT,
                                                    "hopper_1002_5002_ex01_sigmoid.ipynb": RIGHT,
                                                    "turing_1003_5003_notes": "a file",
                                                    "turing_1003_5003_notes/ex01_sigmoid.ipynb": RIGHT,
                                                    "babbage_1004_5004_ex01_sigmoid.ipynb": RIGHT})
    d = read(archive, tmp_path)
    assert {"1002", "1004"} <= set(d.submitters)
    refused = {name: why for name, (fate, why) in fates(d).items() if fate is Fate.REFUSED}
    assert any(name.startswith("lovelaceada_1001") and "could not be unpacked" in why for name, why in refused.items()), \
        refused
    assert any(name.startswith("turing_1003_5003_notes") and "could not be unpacked" in why
               for name, why in refused.items()), refused
