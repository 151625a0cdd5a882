"""Sources: what becomes a record, before anything reaches Kafka.

The lowest wing: it imports only the base modules (config, logs, pipeline), and ingest, transform,
runtime and cloud build on it.

* :mod:`hyperion.sources.catalog` is the bundled catalog in ``data/``: file names, studios (defined once,
  ``STUDIO_NAMES``), loaders and talent aliases;
* :mod:`hyperion.sources.validation` checks it against its schemas, the cross-file rules and the character
  coverage targets, and :mod:`hyperion.sources.gross` the gross sources and the gross coverage;
* :mod:`hyperion.sources.record_rules` is what a valid film, character entry or box-office row is;
* :mod:`hyperion.sources.boxoffice` is the seeded box-office generator (with
  :mod:`hyperion.sources.us_states`);
* :mod:`hyperion.sources.files` reads untrusted JSON source files within the ``HYPERION_SOURCE_*`` caps;
* :mod:`hyperion.sources.adapters` turns the bundled data, a legacy folder, the generator or a box-office
  file into keyed records or rejects with a reason, for the producers;
* :mod:`hyperion.sources.crosscheck` compares the bundled voice credits with a legacy folder;
* :mod:`hyperion.sources.legacy` imports a folder in the original author's layout.
"""
