"""The benchmark's generator: the same bytes every time, people with their own contact
details, bodies shaped like real notes, and a knowledge base that `tool validate` accepts."""

from __future__ import annotations

import importlib.util
import re
import statistics
import sys
from pathlib import Path

import pytest
import yaml
from conftest import run

GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_the_same_size_and_seed_give_the_same_bytes(generator, tmp_path):
    assert generator.generate(tmp_path / "a", 15) == 60
    assert generator.generate(tmp_path / "b", 15) == 60
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert first == second
    assert len(first) == 61  # 15 people, 45 interviews and tool.toml
    assert sum(name.startswith("people/") for name in first) == 15
    generator.generate(tmp_path / "c", 15, seed=8)
    assert _files(tmp_path / "c") != first


def test_a_folder_with_files_is_never_written_over(generator, tmp_path):
    generator.generate(tmp_path / "kb", 2)
    note = tmp_path / "kb" / "tool.toml"
    note.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generator.generate(tmp_path / "kb", 2)
    assert note.read_text(encoding="utf-8") == "mine"


def test_every_person_has_their_own_contact_details(generator, tmp_path):
    generator.generate(tmp_path, 300)
    people = [_front_matter(p) for p in sorted((tmp_path / "people").glob("*.md"))]
    assert len(people) == 300
    for key in ("email", "phone", "linkedin"):
        assert len({p[key] for p in people}) == 300, key
    # Redaction matches a phone number by its digits: those must differ too, and in the
    # last seven, where a match is anchored.
    digits = [re.sub(r"\D", "", p["phone"]) for p in people]
    assert len({d[-7:] for d in digits}) == 300
    shapes = {re.sub(r"\d", "9", p["phone"]) for p in people}
    assert {"(999) 999-9999", "+49 30 9999999", "030 9999999"} & shapes
    assert len(shapes) > 30
    assert all(p["linkedin"].startswith("https://www.linkedin.com/in/") for p in people)
    names = [p["name"] for p in people]
    assert any(not n.isascii() and re.search(r"[À-ž]", n) for n in names)  # accents
    assert any(re.search(r"[\u0400-\u04ff]", n) for n in names)  # Cyrillic
    assert any(re.search(r"[\u4e00-\u9fff]", n) for n in names)  # Han
    assert len({p["company"] for p in people}) > 100


def test_introductions_form_chains_and_come_back_as_referrals(generator, tmp_path):
    generator.generate(tmp_path, 300)
    sponsor = {
        p.stem: _front_matter(p).get("introduced_by") for p in (tmp_path / "people").glob("*.md")
    }
    assert 0.3 < sum(v is not None for v in sponsor.values()) / len(sponsor) < 0.5
    longest = max(_chain(person, sponsor) for person in sponsor)
    assert longest >= 4
    referred = set()
    for path in (tmp_path / "interviews").glob("*.md"):
        meta = _front_matter(path)
        referred |= {r for r in meta.get("referrals", []) if sponsor.get(r) == meta["person"]}
    assert len(referred) > 50


def _chain(person: str, sponsor: dict[str, str | None]) -> int:
    length = 1
    while sponsor.get(person):
        person, length = sponsor[person], length + 1
    return length


def test_interviews_look_like_real_notes(generator, tmp_path):
    generator.generate(tmp_path, 100)
    paths = sorted((tmp_path / "interviews").glob("*.md"))
    sizes = [p.stat().st_size for p in paths]
    assert 1000 <= statistics.median(sizes) <= 2000
    assert min(sizes) >= 500 and max(sizes) <= 3500
    done = [p.read_text(encoding="utf-8") for p in paths if "status: done" in p.read_text("utf-8")]
    assert len(done) > len(paths) / 2
    for text in done:
        assert re.search(r"## Questions\n1\. .+\?\n2\. ", text)
        assert re.search(r"## Insights\n(- .+ #[a-z][\w-]*\n)+", text)
        assert re.search(r"## Next steps\n(- \[[ x]\] .+\n)+", text)
    notes = "\n".join(done)
    assert "](https://" in notes and "](../people/" in notes and "|---|" in notes
    years = {p.name[:4] for p in paths}
    assert years >= {"2024", "2025", "2026"}
    statuses = {_front_matter(p)["status"] for p in paths}
    assert statuses >= {"done", "scheduled", "requested", "declined"}


def test_the_generated_knowledge_base_passes_validate(generator, tmp_path):
    generator.generate(tmp_path / "kb", 15)
    result = run("--root", tmp_path / "kb", "validate", "--strict")
    assert (result.exit_code, result.output) == (0, "No problems in 60 files\n")
