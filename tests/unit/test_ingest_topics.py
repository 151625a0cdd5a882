"""The topic list: conf/kafka/topics.json agrees with docker/kafka/topics.txt and the settings."""

from __future__ import annotations

from hyperion.config import REPOSITORY_ROOT, Settings
from hyperion.ingest.topics import ROLES, load_topic_specs, parse_topics_text, specs_for_settings


def test_json_and_docker_topic_lists_agree():
    specs = load_topic_specs()
    docker_topics = parse_topics_text((REPOSITORY_ROOT / "docker" / "kafka" / "topics.txt").read_text())
    assert [(spec.name, spec.partitions, dict(spec.configs)) for spec in specs] == docker_topics


def test_every_role_once_and_names_match_the_default_settings():
    specs = load_topic_specs()
    assert sorted(spec.role for spec in specs) == sorted(ROLES)
    assert [spec.name for spec in specs] == [spec.name for spec in specs_for_settings(Settings(), specs)]


def test_settings_rename_topics_for_isolated_runs():
    settings = Settings(topic_boxoffice="test-123-raw-boxoffice")
    renamed = {spec.role: spec.name for spec in specs_for_settings(settings, load_topic_specs())}
    assert renamed["boxoffice"] == "test-123-raw-boxoffice" and renamed["films"] == "raw-films"
