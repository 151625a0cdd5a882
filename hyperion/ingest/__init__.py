"""Ingest: Kafka producers and the exactly-once HDFS landing consumer.

Modules:

* :mod:`hyperion.ingest.envelope` builds message envelopes and dead-letter values;
* :mod:`hyperion.ingest.producer` sends the keyed records of the source adapters (the sources wing,
  :mod:`hyperion.sources.adapters`) with an idempotent ``acks=all`` producer and reconciles counts;
* :mod:`hyperion.ingest.topics` creates and deletes topics from ``conf/kafka/topics.json``;
* :mod:`hyperion.ingest.landing` names landed files and writes them atomically to HDFS;
* :mod:`hyperion.ingest.consumer` batches per partition, lands, then commits offsets;
* :mod:`hyperion.ingest.reconcile` reads landed files back and compares key sets.

docs/04-ingest.md explains the design, in particular why a restart after a crash lands exactly the same
files.
"""
