# Parses Prometheus's text format from stdin with the Prometheus Python client's own parser and prints
# {"types": {family: type}, "samples": {"name{label=value,...}": value}} as JSON. Refuses what it cannot parse.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

types, samples = {}, {}
for family in text_string_to_metric_families(sys.stdin.read()):
    types[family.name] = family.type
    for sample in family.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
        samples[sample.name + ("{" + labels + "}" if labels else "")] = sample.value
json.dump({"types": types, "samples": samples}, sys.stdout)
