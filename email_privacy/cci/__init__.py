"""CumulusCI glue: the task base class, options and reports."""
