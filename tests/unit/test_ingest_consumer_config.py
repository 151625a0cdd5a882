"""The consumer's command line and Kafka options (consumers/consumer_config.py)."""

from __future__ import annotations

import argparse
import importlib.util

from kafka import KafkaConsumer

from hyperion.config import REPOSITORY_ROOT, Settings


def load_consumer_config():
    # consumers/ is a folder of entrypoints, not a package: load the module from its file.
    path = REPOSITORY_ROOT / "consumers" / "consumer_config.py"
    specification = importlib.util.spec_from_file_location("consumer_config", path)
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


def parse(*argv: str) -> argparse.Namespace:
    module = load_consumer_config()
    parser = argparse.ArgumentParser()
    module.add_consumer_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults_land_the_raw_topics_and_the_dead_letter_topic_at_the_root():
    module = load_consumer_config()
    settings = Settings()
    config = module.consumer_config_from_arguments(parse(), settings)
    assert config.topics == ("raw-films", "raw-characters", "raw-boxoffice", "raw-deadletter")
    assert config.landing_root == "/" and config.group_id == "hyperion-landing"
    assert not config.until_caught_up and config.on_terminate == "finish"


def test_options_choose_group_root_batching_and_topics():
    module = load_consumer_config()
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
    config = module.consumer_config_from_arguments(arguments, Settings())
    assert (config.group_id, config.landing_root, config.topics) == ("g", "/tests/x", ("a",))
    assert config.policy.maximum_messages == 7 and config.until_caught_up


def test_kafka_options_commit_by_hand_and_are_known_to_kafka_python():
    module = load_consumer_config()
    config = module.consumer_config_from_arguments(parse("--group", "g"), Settings())
    options = module.kafka_consumer_options(config, Settings(), 6000)
    assert options["enable_auto_commit"] is False and options["group_id"] == "g"
    assert options["heartbeat_interval_ms"] * 3 <= options["session_timeout_ms"]
    assert set(options) <= set(KafkaConsumer.DEFAULT_CONFIG)
