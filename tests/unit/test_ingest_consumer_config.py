"""The consumer's command line and Kafka options (hyperion/ingest/consumer_cli.py)."""

from __future__ import annotations

import argparse

from kafka import KafkaConsumer

from hyperion.config import Settings
from hyperion.ingest import consumer_cli


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    consumer_cli.add_consumer_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults_land_the_raw_topics_and_the_dead_letter_topic_at_the_root():
    settings = Settings()
    config = consumer_cli.consumer_config_from_arguments(parse(), settings)
    assert config.topics == ("raw-films", "raw-characters", "raw-boxoffice", "raw-deadletter")
    assert config.landing_root == "/" and config.group_id == "hyperion-landing"
    assert not config.until_caught_up and config.on_terminate == "finish"


def test_options_choose_group_root_batching_and_topics():
    arguments = parse(
        "--group",
        "g",
        "--landing-root",
        "/tests/x",
        "--batch-messages",
        "7",
        "--topics",
        "a",
        "--until-caught-up",
    )
    config = consumer_cli.consumer_config_from_arguments(arguments, Settings())
    assert (config.group_id, config.landing_root, config.topics) == ("g", "/tests/x", ("a",))
    assert config.policy.maximum_messages == 7 and config.until_caught_up


def test_kafka_options_commit_by_hand_and_are_known_to_kafka_python():
    config = consumer_cli.consumer_config_from_arguments(parse("--group", "g"), Settings())
    options = consumer_cli.kafka_consumer_options(config, Settings(), 6000)
    assert options["enable_auto_commit"] is False and options["group_id"] == "g"
    assert options["heartbeat_interval_ms"] * 3 <= options["session_timeout_ms"]
    assert set(options) <= set(KafkaConsumer.DEFAULT_CONFIG)
