"""The installed version of mvae (from package metadata), and the other keys a run's ``[provenance.versions]`` keeps
beside the packages'."""

import importlib.metadata

try:
    VERSION = importlib.metadata.version("mvae")
except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
    VERSION = "0+unknown"

NUMERICS = ("torch", "torch.threads")
"""Keys of ``[provenance.versions]`` beside the packages': torch's version and the number of CPU threads torch uses
(``torch.get_num_threads()``, e.g. from ``OMP_NUM_THREADS``); both change a run's numbers in the last digits. A
resume under others records them in a ``[[provenance.resumed]]`` entry and warns, as for another package version."""
