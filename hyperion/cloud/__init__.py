"""Cloud deployment: pure plans (what to upload, create, run) plus small boto3 adapters to carry them out."""
