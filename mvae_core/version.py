"""The installed version of mvae (from package metadata), the commit of the checkout it runs from, and the other keys
a run's ``[provenance.versions]`` keeps beside the packages'."""

import importlib.metadata
from pathlib import Path

try:
    VERSION = importlib.metadata.version("mvae")
except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
    VERSION = "0+unknown"

THREADS = "torch.threads"
"""The key of ``[provenance.versions]`` that records torch's CPU thread count (one of :data:`NUMERICS`)."""
NUMERICS = ("torch", THREADS, "torch.device", "mvae.commit")
"""Keys of ``[provenance.versions]`` beside the packages': torch's version, the number of CPU threads torch uses
(``torch.get_num_threads()``, e.g. from ``OMP_NUM_THREADS``), the device that computes (``cpu``, or ``cuda`` with
the GPU's model: ``cuda (NVIDIA H200)``) and, running from a git checkout, its commit (:func:`source_commit`); each
changes a run's numbers in the last digits. A resume under others records them in a
``[[provenance.resumed]]`` entry and warns, as for another package version."""


def source_commit(root: Path = Path(__file__).resolve().parents[1]) -> str | None:
    """The commit (12 hexadecimal digits) of the git checkout this mvae runs from (``root``: an editable install, a
    source tree), read from ``.git`` without running git; None elsewhere (an installed wheel, whose :data:`VERSION` says
    which it is). Every commit of a checkout has the same ``VERSION``, so a run records this too. Local edits not
    committed are not seen."""
    git = root / ".git"
    try:
        if git.is_file():  # a worktree or a submodule: "gitdir: <path>"
            git = (git.parent / git.read_text(encoding="utf-8").partition("gitdir:")[2].strip()).resolve()
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head[:12]  # a detached HEAD
        ref = head.removeprefix("ref: ")
        common = (
            Path((git / "commondir").read_text(encoding="utf-8").strip()) if (git / "commondir").is_file() else Path()
        )
        for folder in (git, (git / common).resolve()):
            if (folder / ref).is_file():
                return (folder / ref).read_text(encoding="utf-8").strip()[:12]
            if (folder / "packed-refs").is_file():
                for line in (folder / "packed-refs").read_text(encoding="utf-8").splitlines():
                    if line.endswith(f" {ref}"):
                        return line.split()[0][:12]
    except OSError:
        return None
    return None
