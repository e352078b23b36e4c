"""`briefing source`: paragraphs numbered as quotes count them; --find marks matches and gives a quote."""

from __future__ import annotations

from pathlib import Path

from tests.commands.running import briefing

ARTICLE = (
    "Cooperation in the Region\r\n"
    "\r\n"
    "From: Example Journal\r\n"
    "text size: T | T   \r\n"
    "\r\n"
    "\r\n"
    "The SCO has “a new approach to security” – one of cooperation.\r\n"
    "It says the new approach to security works.\r\n"
    "   \r\n"
    "Regional cooperation grew.\r\n"
)
BRIEF = """\
format: 1
source: {{title: Cooperation in the Region, publisher: Example Journal, date: 2013, text: article.txt}}
brief: {{title: A brief, date: 2026-11-27, bottom_line: One sentence.}}
summary: One paragraph.
claims:
  - id: security
    kind: assessment
    text: The article praises a new approach to security.
    quotes:
{quote}
"""


def write_article(folder: Path) -> Path:
    path = folder / "article.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


def test_paragraphs_are_numbered_as_the_contract_counts_them(tmp_path: Path) -> None:
    write_article(tmp_path)
    run = briefing(tmp_path, "source", "article.txt")
    assert (run.status, run.err) == (0, [])
    assert run.out == [
        "1  Cooperation in the Region",
        "",
        "2  From: Example Journal",
        "   text size: T | T",
        "",
        "3  The SCO has “a new approach to security” – one of cooperation.",
        "   It says the new approach to security works.",
        "",
        "4  Regional cooperation grew.",
    ]


def test_find_marks_each_match_and_prints_a_quote_to_paste(tmp_path: Path) -> None:
    write_article(tmp_path)
    run = briefing(tmp_path, "source", "article.txt", "--find", '"a', "new", "approach", "to",
                   'security" - one')
    assert (run.status, run.err) == (0, [])
    assert run.out == [
        "3  The SCO has >>“a new approach to security” – one<< of cooperation. It says the new approach "
        "to security works.",
        '   - text: "“a new approach to security” – one"',
        "     paragraph: 3",
        "",
        "1 match in 1 paragraph of article.txt",
    ]
    many = briefing(tmp_path, "source", "article.txt", "--find", "new approach to security")
    assert many.out[0] == ("3  The SCO has “a >>new approach to security<<” – one of cooperation. It says "
                           "the >>new approach to security<< works.")
    assert many.out[-1] == "2 matches in 1 paragraph of article.txt"


def test_the_quote_printed_checks_clean_in_a_brief(tmp_path: Path) -> None:
    write_article(tmp_path)
    run = briefing(tmp_path, "source", "article.txt", "--find", 'approach to security" - one')
    assert run.out[1] == '   - text: "approach to security” – one"'
    quote = "\n".join(f"      {line.strip()}" if "paragraph" not in line else f"        {line.strip()}"
                      for line in run.out[1:3])
    (tmp_path / "brief.yaml").write_text(BRIEF.format(quote=quote), encoding="utf-8")
    check = briefing(tmp_path, "check", "brief.yaml")
    assert (check.status, check.err) == (0, [])
    assert check.out == ["brief.yaml: ok: 1 claim, 1 quote verified against article.txt"]


def test_find_matches_whole_words_only_and_says_what_comes_close(tmp_path: Path) -> None:
    write_article(tmp_path)
    words = briefing(tmp_path, "source", "article.txt", "--find", "operation")
    assert (words.status, words.out) == (1, [])
    assert words.err == ['article.txt: no paragraph holds "operation"; try fewer or other words']
    cooperation = briefing(tmp_path, "source", "article.txt", "--find", "Regional", "cooperation")
    assert cooperation.out[0] == "4  >>Regional cooperation<< grew."
    typo = briefing(tmp_path, "source", "article.txt", "--find", "It says the new approach to safety works")
    assert typo.err == ['article.txt: no paragraph holds "It says the new approach to safety works"; '
                        'closest passage in paragraph 3: "It says the new approach to security works."']


def test_a_file_that_is_no_text(tmp_path: Path) -> None:
    (tmp_path / "scan.txt").write_bytes(b"\x89PNG\r\n")
    run = briefing(tmp_path, "source", "scan.txt")
    assert run.status == 1
    assert run.err == ["scan.txt:1:1: the source text is not UTF-8 text: byte 0x89 cannot be decoded; "
                       "save it as UTF-8"]
