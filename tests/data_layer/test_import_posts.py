"""``creatormatch import posts`` on hand-written post files: mentions, hashtags, multi-line
quoted captions, emoji, duplicates from repeated scrapes, rejects, and the report's counts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatormatch.cli import cli
from creatormatch.data.importers import import_posts
from creatormatch.data.importers._posttime import shortcode_to_media_id, time_from_post
from creatormatch.data.loader import load_dataset
from creatormatch.errors import DataError, UsageError

POSTS = """\
username,followers_count,timestamp,post_url,caption,likes,comments,views,country,scraped_at
anna_K,15000,2024-05-01T10:00:00Z,https://www.instagram.com/p/CrAbC123xyz/,"Morning glow ✨ with @Gucci and @dior
#ad #skincare",1200,40,,KR,2024-06-01T00:00:00
anna_K,15500,2024-05-03T10:00:00Z,https://www.instagram.com/p/CrAbC123xy0/,Beach day @gucci. #adventure,900,12,,KR,2024-06-01T00:00:00
budi,800,2024-05-02T09:00:00,,"@GUCCI love 한국어 ""quoted"" mail budi@mail.com
thanks @anna_k and @bestfriend",50,3,100,ID,2024-06-01T00:00:00
budi,820,2024-05-02T09:00:00,,"@GUCCI love 한국어 ""quoted"" mail budi@mail.com
thanks @anna_k and @bestfriend",75,4,180,ID,2024-06-08T00:00:00
carla,3000,,https://www.tiktok.com/@carla/video/7234567890123456789,🎉🎉 @dior collab! #Sponsored @bestfriend,300,20,5000,,2024-06-01T00:00:00
carla,lots,2024-05-04T00:00:00,,broken followers,1,1,1,,
,100,2024-05-04T00:00:00,,no handle,1,1,1,,
dana,500,,,no time @dior,1,1,1,,
dana,500,2024-05-05T08:00:00,,#ad new look @smallshop,10,1,,ID,
"""


@pytest.fixture
def posts_file(tmp_path: Path) -> Path:
    path = tmp_path / "posts.csv"
    path.write_text(POSTS, encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_inferences_by_hand(posts_file: Path) -> None:
    result = import_posts(posts_file, exclude=["@bestfriend"], default_market="sg")
    c = result.counts
    assert (c["rows_read"], c["rows_rejected"], c["duplicates_merged"], c["posts_written"]) == (9, 3, 1, 5)
    assert c["rows_read"] == c["rows_rejected"] + c["duplicates_merged"] + c["posts_written"]
    assert [line for line, _, _ in result.rejects] == [10, 11, 12]
    reasons = [r for _, r, _ in result.rejects]
    assert "column 'followers'" in reasons[0] and "column 'handle': empty" in reasons[1]
    assert "encodes no time" in reasons[2]
    assert c["time_from_id"] == 1
    # creators: authors, lower-cased ids, spelling and followers of the latest row
    creators = {r["creator_id"]: r for r in result.tables["creators"]}
    assert list(creators) == ["anna_k", "budi", "carla", "dana"]
    assert creators["anna_k"]["handle"] == "anna_K" and creators["anna_k"]["followers"] == "15500"
    assert creators["budi"]["followers"] == "820"                       # the later scrape
    assert [creators[k]["market"] for k in creators] == ["KR", "ID", "SG", "ID"]
    assert creators["budi"]["observed_to"] == "2024-06-08T00:00:00Z" and creators["dana"]["observed_to"] == ""
    assert (c["creators_default_market"], c["creators_observed_to"]) == (1, 3)
    # mentions: e-mail addresses, trailing dots and case do not make new accounts
    assert (c["mentions"], c["posts_with_mentions"], c["accounts_mentioned"], c["self_mentions"]) == (9, 5, 5, 0)
    assert (c["excluded_people"], c["excluded_authors"], c["below_threshold"]) == (1, 1, 1)
    brands = {b["brand_id"]: b for b in result.tables["brands"]}
    assert list(brands) == ["dior", "gucci"] and brands["gucci"]["name"] == "@gucci"
    assert brands["gucci"]["market"] == "ID" and brands["dior"]["market"] == "KR"   # tie: alphabetical
    # one completed collaboration per post and brand mention
    pairs = sorted((r["creator_id"], r["brand_id"]) for r in result.tables["collaborations"])
    assert pairs == [("anna_k", "dior"), ("anna_k", "gucci"), ("anna_k", "gucci"), ("budi", "gucci"),
                     ("carla", "dior")]
    assert {r["status"] for r in result.tables["collaborations"]} == {"completed"}
    # paid posts (#ad, #Sponsored; not #adventure): the deliverable of the first brand's collaboration
    assert (c["paid_posts"], c["paid_linked"], c["paid_without_brand"]) == (3, 2, 1)
    videos = {v["video_id"]: v for v in result.tables["videos"]}
    assert videos["CrAbC123xyz"]["collaboration_id"] == "CrAbC123xyz:gucci"
    assert videos["CrAbC123xy0"]["collaboration_id"] == ""
    assert videos["7234567890123456789"]["collaboration_id"] == "7234567890123456789:dior"
    assert videos["7234567890123456789"]["posted_at"] == "2023-05-18T16:58:18Z"     # from the TikTok id
    assert videos["budi-20240502T090000"]["likes"] == "75" and videos["budi-20240502T090000"]["views"] == "180"
    assert videos["CrAbC123xyz"]["views"] == ""                                      # no views: empty, not 0
    assert c["posts_with_hashtags"] == 4


def test_written_dataset_passes_validate_and_report_counts_equal_rows(posts_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(cli, ["import", "posts", str(posts_file), "--out", str(out), "--exclude", "bestfriend"],
                        catch_exceptions=False)
    assert res.exit_code == 2 and "carry no country" in res.output and "with --market" in res.output
    res = runner.invoke(cli, ["import", "posts", str(posts_file), "--out", str(out), "--exclude", "bestfriend",
                              "--market", "SG"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "5 posts of 4 creators, 2 brands, 5 collaborations" in res.stdout
    report = (out / "import-report.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\w+\.csv) \| ([\d,]+) \|$", report, re.M))
    assert set(table) == {"creators.csv", "brands.csv", "collaborations.csv", "videos.csv", "rejects.csv"}
    for name, n in table.items():
        assert len(_rows(out / name)) == int(n.replace(",", "")), name
    assert "9 rows read = 3 rejected" in report and "1 duplicates" in report
    rejects = _rows(out / "rejects.csv")
    assert [(r["file"], r["line"]) for r in rejects] == [("posts.csv", "10"), ("posts.csv", "11"), ("posts.csv", "12")]
    assert rejects[0]["record"].startswith("carla,lots,")
    ok = runner.invoke(cli, ["validate", str(out)], catch_exceptions=False)
    assert ok.exit_code == 0 and ok.stdout.startswith("OK:"), ok.output
    dataset = load_dataset(out)
    assert len(dataset.creators) == 4 and len(dataset.collaborations) == 5
    # on the imported data the indices say what they cannot know
    scores = runner.invoke(cli, ["scores", "--data", str(out), "--format", "json"], catch_exceptions=False)
    assert scores.exit_code == 0
    assert '"diligence_index": "no products' in scores.stdout


def test_map_renames_columns_and_errors_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("who,fans,when,text\nann,10,2024-01-01,hi @x\nbob,20,2024-01-02,yo @x\n", encoding="utf-8")
    runner = CliRunner()
    with pytest.raises(DataError, match="no column for handle, followers"):
        import_posts(path)
    res = runner.invoke(cli, ["import", "posts", str(path), "--out", str(tmp_path / "o"), "--map", "who=handle",
                              "--map", "fans=followers", "--map", "when=posted_at", "--map", "text=caption",
                              "--market", "ID"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert [b["brand_id"] for b in _rows(tmp_path / "o" / "brands.csv")] == ["x"]
    bad = runner.invoke(cli, ["import", "posts", str(path), "--out", str(tmp_path / "o2")])
    assert bad.exit_code == 2 and "p.csv:1: no column for handle" in bad.output and "Traceback" not in bad.output
    bad = runner.invoke(cli, ["import", "posts", str(path), "--out", str(tmp_path / "o2"), "--map", "nope=handle"])
    assert bad.exit_code == 2 and "no column 'nope'" in bad.output
    with pytest.raises(UsageError, match="no account is @mentioned by at least 3"):
        import_posts(path, mapping={"handle": "who", "followers": "fans", "posted_at": "when", "caption": "text"},
                     min_creators=3, default_market="ID")


def test_bad_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"handle,followers,posted_at,caption\nann,10,2024-01-01,ok\nbob,20,2024-01-02,caf\xe9\n")
    res = CliRunner().invoke(cli, ["import", "posts", str(path), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "p.csv:3: bytes that are not UTF-8" in res.output


def test_post_times_from_ids() -> None:
    # TikTok: the top 32 bits are Unix seconds
    tiktok_id = (1_700_000_000 << 32) | 12345
    assert time_from_post(post_id=str(tiktok_id)).timestamp() == 1_700_000_000
    # Instagram: shortcode -> media id; (id >> 23) ms after 2011-08-24 (1314220021721 ms)
    media_id = ((1_700_000_000_000 - 1_314_220_021_721) << 23) | 77
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    code, n = "", media_id
    while n:
        code, n = alphabet[n % 64] + code, n // 64
    assert shortcode_to_media_id(code) == media_id
    t = time_from_post(url=f"https://www.instagram.com/reel/{code}/?igsh=abc")
    assert t.timestamp() == pytest.approx(1_700_000_000, abs=0.001)
    assert time_from_post(post_id="12345") is None and time_from_post(url="https://example.com/x") is None


def test_unix_times_offsets_and_bad_times(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("handle,followers,posted_at,caption\n"
                    "ann,10,1714557600,hi @x\n"                       # Unix seconds: 2024-05-01T10:00:00Z
                    "bob,20,1714557600000,yo @x\n"                    # Unix milliseconds
                    "cid,30,2024-05-01T12:00:00+02:00,hey @x\n"       # an offset, converted to UTC
                    "dan,40,yesterday,@x\n", encoding="utf-8")
    result = import_posts(path, default_market="ID")
    assert [v["posted_at"] for v in result.tables["videos"]] == ["2024-05-01T10:00:00Z"] * 3
    assert result.rejects == [(5, "column 'posted_at': not a date or time (value 'yesterday')", "dan,40,yesterday,@x")]


def test_a_creator_without_country_needs_a_market(posts_file: Path) -> None:
    """Markets are ISO 3166-1 codes: no 'ZZ' placeholder; the importer asks for the market."""
    with pytest.raises(UsageError, match=r"posts of 1 creator carry no country.*market") as info:
        import_posts(posts_file, exclude=["@bestfriend"])
    assert "--" not in str(info.value)
    with pytest.raises(UsageError, match="ISO 3166-1"):
        import_posts(posts_file, exclude=["@bestfriend"], default_market="ZZ")


def test_country_aliases_become_iso_codes_and_unknown_codes_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("handle,followers,posted_at,caption,country\n"
                    "anna,10,2024-01-01T00:00:00,hi @x,UK\n"
                    "budi,10,2024-01-02T00:00:00,hi @x,ZZ\n"
                    "cara,10,2024-01-02T00:00:00,hi @x,gb\n", encoding="utf-8")
    result = import_posts(path)
    assert [r["market"] for r in result.tables["creators"]] == ["GB", "GB"]
    assert [line for line, _, _ in result.rejects] == [3]
    assert "ISO 3166-1" in result.rejects[0][1]
