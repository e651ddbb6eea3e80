"""What GitHub can answer besides the repository asked for: the client raises these, callers catch them."""

from __future__ import annotations

import datetime as dt


class GitHubError(Exception):
    """Anything GitHub answered that is not the repository we asked for."""


class GitHubUnavailable(GitHubError):
    """GitHub could not be reached or kept failing (connection, timeout, 5xx, malformed reply): transient."""


class RateLimited(GitHubError):
    """A rate limit is exhausted; nothing more may be asked before ``reset_at``."""

    def __init__(self, message: str, *, reset_at: dt.datetime):
        super().__init__(message)
        self.reset_at = reset_at


class RepoNotFound(GitHubError):
    """GitHub says the repository does not exist (deleted, made private, or never existed)."""


class RepoMoved(GitHubError):
    """The repository answers at another address (a rename or transfer) that was not followed."""

    def __init__(self, message: str, *, location: str):
        super().__init__(message)
        self.location = location


class TokenRejected(GitHubError):
    """GitHub refused GITHUB_TOKEN (401): a configuration error, not any repository's fault."""


class RepoBlocked(GitHubError):
    """GitHub answered 451: access to the repository is blocked (a legal takedown)."""


class StarHistoryNotOffered(GitHubError):
    """The repository exists but this GitHub (e.g. an Enterprise Server) does not serve its star history."""
