"""Named schedules: pure, picklable functions of training progress, registered by name.

Reserved: the registry and the built-in schedules land with the training-fix plugins; third-party schedules
will come from the ``mvae.schedules`` entry-point group.
"""
