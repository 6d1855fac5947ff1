"""Parses a Prometheus text exposition from stdin with the official client's parser and prints it as JSON:
{"sample_name": [{"labels": {...}, "value": 1.0}, ...]}. A malformed exposition raises, and the exit code says so."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        samples.setdefault(sample.name, []).append({"labels": sample.labels, "value": sample.value})
json.dump(samples, sys.stdout)
