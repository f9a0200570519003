"""Built-in training plugins, registered by name: ``{name: "module:Class"}``, one module each.

``--plugins all`` (the default) enables every built-in; third-party plugins (the ``mvae.plugins`` entry-point
group) run only when named.
"""

BUILTIN_PLUGINS: dict[str, str] = {
    "kl_anneal": "mvae_plugins.kl_anneal:KlAnneal",
    "ts_ramp": "mvae_plugins.ts_ramp:TsRamp",
    "lr_step_decay": "mvae_plugins.lr_step_decay:LrStepDecay",
    "early_stopping": "mvae_plugins.early_stopping:EarlyStopping",
    "ts_variance_monitor": "mvae_plugins.ts_variance_monitor:TsVarianceMonitor",
}
