"""Reconciliation from source to page: the counts at every hop, and whether each hop balances.

* :mod:`hyperion.reconcile.hops`: pure: the hop model, the balance rule and the counting rules;
* :mod:`hyperion.reconcile.readers`: reads sources, Kafka, HDFS and local files, streaming;
* :mod:`hyperion.reconcile.pipeline`: wires them into one :class:`~hyperion.reconcile.hops.Report`.

It spans the ingest and transform wings, so it sits beside them; neither imports it.
"""
