# Hyperion: one entry point for people and CI. `make help` lists the targets.
# Every recipe calls a numbered script or a Python module; nothing here holds logic of its own.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
# The runtime `make up` recorded while a stack runs; otherwise docker when an engine answers and Compose
# v2 is installed, local if not (the script says why on stderr). Override with RUNTIME=local|docker.
ifndef RUNTIME
RUNTIME := $(shell scripts/detect_runtime.sh)
endif
# The pipeline's settings follow the runtime (hyperion/config.py docker_defaults); the test targets keep
# their own settings. HYPERION_PUBLISH_ADDRESS (default 127.0.0.1) is where the Docker stack publishes.
topics hdfs-init produce consume ingest transform queries pipeline demo: export HYPERION_RUNTIME = $(RUNTIME)

.PHONY: help install fetch up down status logs demo test test-docker test-rehearsal test-unit test-integration lint validate-data crosscheck-credits \
        topics hdfs-init produce consume ingest transform queries pipeline web serve test-web \
        reconcile redrive deploy deploy-dry-run test-deploy-function rehearse-emr spark35-venv docker-tools images trino \
        bench bench-stack bench-data bench-ingest bench-transform bench-web clean-runtime

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

install: ## create .venv, install pinned Python packages and check Java, Maven (idempotent)
	@scripts/00_install.sh

fetch: install ## download the local runtime's artifacts from Maven Central into the cache
	@$(PYTHON) scripts/stack.py fetch

up: install ## start the stack (RUNTIME=docker|local) and wait until every service is healthy
ifeq ($(RUNTIME),docker)
	@scripts/00_docker_tools.sh
	@$(PYTHON) scripts/stack.py fetch
	@$(PYTHON) scripts/docker_stack.py up
else
	@$(PYTHON) scripts/stack.py up
endif
	@scripts/detect_runtime.sh --record $(RUNTIME)

down: ## stop what `make up` started (RUNTIME=docker VOLUMES=1 also drops the Docker data volumes)
ifeq ($(RUNTIME),docker)
	@$(PYTHON) scripts/docker_stack.py down $(if $(VOLUMES),--volumes)
else
	@$(PYTHON) scripts/stack.py down
endif
	@scripts/detect_runtime.sh --forget

status: ## table of services, ports, pids and health
ifeq ($(RUNTIME),docker)
	docker compose ps
else
	@$(PYTHON) scripts/stack.py status
endif

logs: ## follow the service logs (SERVICES="kafka trino" to choose)
ifeq ($(RUNTIME),docker)
	docker compose logs --follow $(SERVICES)
else
	@$(PYTHON) scripts/stack.py logs $(SERVICES)
endif

demo: install validate-data up ## install, start the stack, run the whole pipeline, build and serve the site
	@echo "runtime: $(RUNTIME)"
	@$(MAKE) --no-print-directory status RUNTIME=$(RUNTIME)
	@$(MAKE) --no-print-directory pipeline web RUNTIME=$(RUNTIME)
	@$(MAKE) --no-print-directory serve

docker-tools: ## install docker.io, start dockerd, build Compose v2 and make the base image (idempotent)
	@scripts/00_docker_tools.sh

images: install docker-tools fetch ## build the Docker runtime's missing or out-of-date images (ALL=1: rebuild every one)
	@$(PYTHON) scripts/docker_stack.py images $(if $(ALL),--all)

trino: install ## the Trino CLI against the running stack (FILE=queries/x.sql runs a file)
	@scripts/trino $(FILE)

validate-data: install ## check data/ against its schemas, references and coverage targets
	@$(PYTHON) scripts/validate_data.py --coverage

LEGACY ?= ../shared/legacy-source-data
crosscheck-credits: install ## compare data/ voice credits with LEGACY (a legacy-layout folder); fail on any unexplained disagreement
	@$(PYTHON) scripts/crosscheck_credits.py $(LEGACY)

topics: install ## 01: create the Kafka topics of conf/kafka/topics.json
	@$(PYTHON) scripts/01_create_topics.py

hdfs-init: install ## 02: create /raw, /rejects and /processed in HDFS
	@$(PYTHON) scripts/02_init_hdfs.py

produce: install ## 03: send data/ and the seeded box office to Kafka
	@$(PYTHON) scripts/03_produce.py

consume: install ## 04: land the topics in HDFS exactly once, until caught up
	@$(PYTHON) scripts/04_consume.py

ingest: topics hdfs-init produce consume ## the whole ingest stage (01-04)

transform: install ## 05: Spark jobs 01-04 as one application on the master: /raw -> /processed -> exports/
	@$(PYTHON) scripts/05_transform.py

queries: install ## 06: register the tables in Trino and run queries/*.sql into docs/query_results/
	@$(PYTHON) scripts/06_queries.py

pipeline: ingest transform queries ## the whole pipeline on the running stack (01-06)

reconcile: install ## counts at every hop from source to exports; fails if any hop does not balance
	@$(PYTHON) scripts/reconcile.py $(ARGS)

redrive: install ## send fixed dead letters back through the producer path: make redrive ARGS="send --from-file fixed.jsonl"
	@$(PYTHON) scripts/redrive_deadletter.py $(ARGS)

web: install ## 07: pack exports/ into the site and build it into frontend/dist
	@$(PYTHON) scripts/07_build_site.py --exports exports --output frontend/public/data
	@npm --prefix frontend run build

serve: ## serve frontend/dist on http://127.0.0.1:4173/
	@cd frontend && node scripts/serve.mjs --port 4173

test-web: install ## the site's vitest and Chromium suites on the current build (after make web)
	@npm --prefix frontend test
	@cd frontend && node e2e/run.mjs
	@cd frontend && node e2e/map.mjs

lint: install ## ruff, ShellCheck and the Compose file schema
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/shellcheck scripts/*.sh scripts/trino .ci/run $$(find deploy docker -name '*.sh')
	@$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

# The Docker e2e (make test-docker, which first runs make docker-tools) runs beside the rest of the suite,
# each half's lines prefixed; make test fails when either half fails (scripts/test_parallel.sh).
test: install lint validate-data ## every test, the Docker e2e beside the rest (EMR rehearsal included); starts the local stack if none runs
	@scripts/test_parallel.sh $(PYTHON) -m pytest tests -m "not docker"

test-rehearsal: install spark35-venv ## the EMR rehearsal's test alone (make test runs it too); starts the local stack if none runs
	@$(PYTHON) -m pytest tests -m rehearsal

test-docker: install docker-tools ## the Docker runtime's e2e: images, compose up on 127.0.0.2, the whole pipeline, down -v
	@$(PYTHON) -m pytest tests -m docker -p no:cacheprovider

test-unit: install ## tests that need no services
	@$(PYTHON) -m pytest tests -m "not integration and not e2e"

test-integration: install ## tests against the stack (started if needed)
	@$(PYTHON) -m pytest tests -m "integration"

deploy: install ## upload frontend/dist to S3 (HYPERION_SITE_BUCKET), then invalidate CloudFront
	@PYTHON=$(PYTHON) AWS_CLI=$(VENV)/bin/aws deploy/s3_sync.sh --site-dir frontend/dist

deploy-dry-run: install ## print every upload and deletion the deploy would make, change nothing
	@PYTHON=$(PYTHON) AWS_CLI=$(VENV)/bin/aws deploy/s3_sync.sh --site-dir frontend/dist --dry-run

test-deploy-function: ## the SPA rewrite CloudFront Function under node (also run by tests/unit)
	@node --test deploy/tests/

spark35-venv: install ## the cached pyspark 3.5.5 virtualenv (EMR 7.9's Spark) and hadoop-aws for S3A (idempotent)
	@$(PYTHON) scripts/spark35_venv.py

rehearse-emr: spark35-venv up ## run deploy/emr/run_proof.py's plan locally: moto S3, Spark 3.5, Trino; compare with HDFS
	@$(PYTHON) deploy/emr/rehearse.py --check-landed || $(MAKE) --no-print-directory ingest
	@$(PYTHON) deploy/emr/rehearse.py

bench: bench-stack bench-data bench-ingest bench-transform bench-web ## every benchmark; figures go to docs/benchmarks.md by hand, with the date

bench-stack: install ## seconds for make up (warm and cold cache) and the stack's peak memory
	@$(PYTHON) bench/bench_stack.py

bench-data: install ## box-office generator rows/s and memory at 1M and 10M rows
	@$(PYTHON) bench/bench_generator.py

bench-ingest: install ## 1M box-office rows through Kafka and HDFS, against Kafka's ProducerPerformance
	@$(PYTHON) bench/bench_ingest.py

bench-transform: install ## jobs 01/03 stages, tasks, start-up and work; job 03 vs DuckDB at 1M and 10M rows; Trino latency (ARGS="--scale" adds 1M/10M/50M)
	@$(PYTHON) bench/bench_transform.py $(ARGS)

bench-web: install ## site load, filter latency and bundle size in headless Chromium
	@node bench/bench_site.mjs --runs 3

clean-runtime: down ## delete the local runtime's data and logs (not the artifact cache)
	rm -rf .runtime
