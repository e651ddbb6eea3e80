import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from github.repo_urls import InvalidGitHubURL, parse_github_url

owner_chars = string.ascii_letters + string.digits
owners = st.from_regex(r"\A[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,15}\Z")
names = st.from_regex(r"\A[A-Za-z0-9_-][A-Za-z0-9._-]{0,30}\Z").filter(
    lambda n: n not in (".", "..") and not n.endswith(".git")
)
path_segments = st.lists(st.from_regex(r"\A[A-Za-z0-9_-]{1,12}\Z"), min_size=1, max_size=5)


@pytest.mark.parametrize(
    ("url", "owner", "name", "sub_path"),
    [
        ("https://github.com/facebookresearch/Detectron", "facebookresearch", "Detectron", ""),
        ("https://github.com/facebookresearch/Detectron/", "facebookresearch", "Detectron", ""),
        ("https://github.com/facebookresearch/Detectron.git", "facebookresearch", "Detectron", ""),
        ("https://www.github.com/deepmind/dm_control", "deepmind", "dm_control", ""),
        ("http://github.com/openai/gradient-checkpointing", "openai", "gradient-checkpointing", ""),
        ("  https://github.com/marcotcr/lime  ", "marcotcr", "lime", ""),
        (
            "https://github.com/deepmind/lab/tree/master/game_scripts/levels/contributed/psychlab",
            "deepmind",
            "lab",
            "game_scripts/levels/contributed/psychlab",
        ),
        ("https://github.com/deepmind/lab/tree/master/game_scripts/", "deepmind", "lab", "game_scripts"),
        ("https://github.com/deepmind/lab/tree/master", "deepmind", "lab", ""),
        ("https://github.com/a/b.c", "a", "b.c", ""),
    ],
)
def test_accepts_repository_urls(url, owner, name, sub_path):
    ref = parse_github_url(url)
    assert (ref.owner, ref.name, ref.sub_path) == (owner, name, sub_path)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter a GitHub repository URL"),
        ("github.com/owner/name", "must start with https://github.com/"),
        ("ftp://github.com/owner/name", "must start with https://github.com/"),
        ("https://gitlab.com/owner/name", "must be on github.com, not gitlab.com"),
        ("https://github.com.evil.example/owner/name", "must be on github.com"),
        ("https://user@github.com/owner/name", "must be on github.com"),
        ("https://github.com:8443/owner/name", "must be on github.com"),
        ("https://github.com/owner", "must name both the owner and the repository"),
        ("https://github.com/", "must name both the owner and the repository"),
        ("https://github.com//name", "must name both the owner and the repository"),
        ("https://github.com/-owner/name", "is not a valid GitHub owner"),
        ("https://github.com/own--er/name", "is not a valid GitHub owner"),
        ("https://github.com/owner_x/name", "is not a valid GitHub owner"),
        ("https://github.com/owner/na%20me", "is not a valid repository name"),
        ("https://github.com/owner/na me", "cannot contain spaces"),
        ("https://github.com/owner/na$me", "is not a valid repository name"),
        ("https://github.com/owner/..", "is not a valid repository name"),
        ("https://github.com/owner/name/issues", "Only a folder link"),
        ("https://github.com/owner/name/tree/", "Only a folder link"),
        ("https://github.com/owner/name.git/tree/main/x", "'.git' suffix can only end the URL"),
        ("https://github.com/owner/name/tree/main/../etc", "has an empty, '.' or '..' part"),
        ("https://github.com/owner/name?tab=readme", "no query string or fragment"),
        ("https://github.com/owner/name#readme", "no query string or fragment"),
    ],
)
def test_rejects_with_a_reason(url, message):
    with pytest.raises(InvalidGitHubURL, match=message.replace("?", r"\?").replace("$", r"\$")):
        parse_github_url(url)


@given(owner=owners, name=names, www=st.booleans(), git=st.booleans(), slash=st.booleans())
def test_round_trips_any_valid_repository(owner, name, www, git, slash):
    suffix = ".git" if git else ("/" if slash else "")
    url = f"https://{'www.' if www else ''}github.com/{owner}/{name}{suffix}"
    ref = parse_github_url(url)
    assert (ref.owner, ref.name, ref.sub_path) == (owner, name, "")
    assert parse_github_url(ref.html_url) == ref


@given(owner=owners, name=names, branch=st.from_regex(r"\A[A-Za-z0-9_-]{1,10}\Z"), segments=path_segments)
def test_keeps_sub_paths(owner, name, branch, segments):
    ref = parse_github_url(f"https://github.com/{owner}/{name}/tree/{branch}/{'/'.join(segments)}")
    assert ref.sub_path == "/".join(segments)
    assert parse_github_url(ref.html_url) == ref


@given(host=st.from_regex(r"\A[a-z]{1,10}\.(com|org|io)\Z").filter(lambda h: h != "github.com"))
def test_other_hosts_are_refused(host):
    with pytest.raises(InvalidGitHubURL, match="must be on github.com"):
        parse_github_url(f"https://{host}/owner/name")


@given(st.text(max_size=200))
def test_arbitrary_text_is_parsed_or_refused_with_a_message(text):
    try:
        ref = parse_github_url(text)
    except InvalidGitHubURL as exc:
        assert str(exc)
    else:
        assert ref.owner and ref.name


# Hostile tails on a real GitHub prefix: percent-escapes, dots, markup, NUL, Unicode lookalikes.
hostile_tails = st.lists(
    st.sampled_from(list("abAB09-_./%?#@:~ \t\x00<>\"'\\") + ["%2e", "%2F", "%00", "ｇ", "\u202e", "..", "tree/"]),
    max_size=30,
).map("".join)


@given(
    prefix=st.sampled_from(["https://github.com/", "http://www.github.com/", "https://GitHub.com/"]), tail=hostile_tails
)
def test_whatever_is_accepted_obeys_githubs_rules_and_round_trips(prefix, tail):
    try:
        ref = parse_github_url(prefix + tail)
    except InvalidGitHubURL as exc:
        assert str(exc)
        return
    from github.repo_urls import NAME_RE, OWNER_RE

    assert OWNER_RE.match(ref.owner) and NAME_RE.match(ref.name) and ref.name not in (".", "..")
    assert not any(part in ("", ".", "..") for part in ref.sub_path.split("/")) or not ref.sub_path
    assert "\x00" not in ref.sub_path and len(ref.sub_path) <= 255
    assert parse_github_url(ref.html_url) == ref  # the canonical URL we store reads back as the same repository
