"""Parsing GitHub repository URLs: the one place that decides what a project URL may be.

Accepted: ``https://github.com/OWNER/NAME`` with an optional ``www.``, ``.git`` suffix,
trailing slash, or a ``/tree/BRANCH/PATH`` sub-path (a project living in a folder of a
larger repository). Everything else is rejected with a message that says what is wrong.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# GitHub's own rules: owners are 1-39 alphanumerics or single hyphens, not at either end;
# repository names are 1-100 of letters, digits, '-', '_' and '.', and never '.' or '..'.
OWNER_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
PATH_SEGMENT_RE = re.compile(r"^[^\x00-\x1f\\]+$")
GITHUB_HOSTS = {"github.com", "www.github.com"}


class InvalidGitHubURL(ValueError):
    """The text is not a URL of a GitHub repository (the message says why)."""


@dataclass(frozen=True)
class GitHubRepoRef:
    owner: str
    name: str
    sub_path: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def html_url(self) -> str:
        return github_html_url(self.owner, self.name, self.sub_path)


def github_html_url(owner: str, name: str, sub_path: str = "") -> str:
    url = f"https://github.com/{owner}/{name}"
    if sub_path:
        url += f"/tree/HEAD/{sub_path}"
    return url


def parse_github_url(text: str) -> GitHubRepoRef:
    """Return the repository a GitHub URL points at, or raise InvalidGitHubURL."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidGitHubURL("Enter a GitHub repository URL, such as https://github.com/owner/name.")
    raw = text.strip()
    if any(ch.isspace() for ch in raw):
        raise InvalidGitHubURL("A GitHub URL cannot contain spaces.")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https"):
        raise InvalidGitHubURL("The URL must start with https://github.com/.")
    host = (parts.hostname or "").lower()
    if host not in GITHUB_HOSTS or parts.port is not None or parts.username or parts.password:
        raise InvalidGitHubURL(f"The URL must be on github.com, not {host or 'an empty host'}.")
    if parts.query or parts.fragment:
        raise InvalidGitHubURL("A repository URL has no query string or fragment.")

    segments = [unquote(s) for s in parts.path.split("/")]
    # Leading "" comes from the path's first slash; one trailing "" from a trailing slash.
    segments = segments[1:]
    if segments and segments[-1] == "":
        segments = segments[:-1]
    if len(segments) < 2 or not segments[0] or not segments[1]:
        raise InvalidGitHubURL("The URL must name both the owner and the repository: github.com/OWNER/NAME.")
    owner, name, rest = segments[0], segments[1], segments[2:]
    if name.endswith(".git"):
        if rest:
            raise InvalidGitHubURL("A '.git' suffix can only end the URL.")
        name = name[: -len(".git")]
    if not OWNER_RE.match(owner):
        raise InvalidGitHubURL(
            f"'{owner}' is not a valid GitHub owner: use letters, digits and single hyphens, at most 39."
        )
    if not NAME_RE.match(name) or name in (".", ".."):
        raise InvalidGitHubURL(
            f"'{name}' is not a valid repository name: use letters, digits, '.', '-' and '_', at most 100."
        )

    sub_path = ""
    if rest:
        if rest[0] != "tree" or len(rest) < 2 or not rest[1]:
            raise InvalidGitHubURL(
                "Only a folder link of the form github.com/OWNER/NAME/tree/BRANCH/PATH may follow the name."
            )
        path_segments = rest[2:]
        if any(s in ("", ".", "..") or not PATH_SEGMENT_RE.match(s) for s in path_segments):
            raise InvalidGitHubURL("The folder path after the branch has an empty, '.' or '..' part.")
        sub_path = "/".join(path_segments)
        if len(sub_path) > 255:
            raise InvalidGitHubURL("The folder path is longer than 255 characters.")
    return GitHubRepoRef(owner=owner, name=name, sub_path=sub_path)
