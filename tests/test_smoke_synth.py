"""The synthetic data helpers produce loadable data (guards every other test that uses them)."""

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset


def test_synth_dir_loads_every_file(synth_dir):
    table, report = load_dataset([str(synth_dir)], DataConfig())
    assert len(report.ok) == 6
    assert table.n_loops == 24
    assert (table.notes_per_loop() == 12).all()
