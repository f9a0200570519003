"""Built-in training plugins, registered by name. Each entry is ``"module:Class"``.

The five training fixes of the ancestor (kl_anneal, ts_ramp, lr_step_decay, early_stopping,
ts_variance_monitor) land here as one module each; until then the registry is empty and
``mvae train`` runs the bare core.
"""

BUILTIN_PLUGINS: dict[str, str] = {}
