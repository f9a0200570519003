"""Built-in training plugins, registered by name: ``{name: "module:Class"}``, one module each.

``--plugins all`` (the default) enables every built-in; third-party plugins (the ``mvae.plugins`` entry-point
group) run only when named.
"""

BUILTIN_PLUGINS: dict[str, str] = {}
