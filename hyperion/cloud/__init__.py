"""Cloud deployment: pure plans (what to upload, create, run) plus small boto3 adapters that carry them out.

The constants here are shared by the site deploy and the EMR proof run, so that each can recognise
the other's objects in a bucket.
"""

# The EMR proof run (deploy/emr/run_proof.py) writes every run under this key prefix by default, and
# each run uploads the package below into its own ``code/`` folder. The site sync refuses a bucket
# holding either: deleting "stale" site objects there could destroy a proof run's data.
EMR_PROOF_PREFIX = "hyperion-emr-proof/"
EMR_PROOF_MARKER = "code/hyperion.zip"
