"""The daily run, one module per step; the DAG, the CLI and the tests call these.

``run`` owns a run's date and staging layout; ``catalogue`` reads the sources
and plans the mapped tasks; ``ingest`` chains one source's steps (``poll``,
``fetch``, ``extract``, each followed by a quality gate from ``gates``);
``runner`` loads a run, summarises it and runs everything in one process.
"""
