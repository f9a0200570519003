"""The installed version of mvae (from package metadata)."""

import importlib.metadata

try:
    VERSION = importlib.metadata.version("mvae")
except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
    VERSION = "0+unknown"
