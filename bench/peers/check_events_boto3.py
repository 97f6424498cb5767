#!/usr/bin/env python3
"""A minimal boto3 Nagios check doing check_instance_events' job, written for bench/peers.sh.

Usage: check_events_boto3.py REGION ENDPOINT_URL [WARN_SECONDS CRIT_SECONDS]
Reads every instance status (1,000 per page), keeps the pending events, names their instances from
DescribeTags (key=Name, 200 ids per call), exits 0/1/2 like check_instance_events.
"""
import sys
from datetime import datetime, timezone

import boto3

region, endpoint = sys.argv[1], sys.argv[2]
warn, crit = (float(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) > 4 else (float("inf"), 3 * 86400.0)
ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
now = datetime.now(timezone.utc)
events, instances = [], 0
for page in ec2.get_paginator("describe_instance_status").paginate(PaginationConfig={"PageSize": 1000}):
    for s in page["InstanceStatuses"]:
        instances += 1
        for e in s.get("Events", []):
            if "[Completed]" in e.get("Description", "") or "[Canceled]" in e.get("Description", ""):
                continue
            events.append((e["NotBefore"], s["InstanceId"], e["Code"]))
ids = sorted({i for _, i, _ in events})
names = {}
for k in range(0, len(ids), 200):
    filters = [{"Name": "key", "Values": ["Name"]}, {"Name": "resource-id", "Values": ids[k : k + 200]}]
    for page in ec2.get_paginator("describe_tags").paginate(Filters=filters):
        names.update((t["ResourceId"], t["Value"]) for t in page["Tags"])
events.sort()
soonest = (events[0][0] - now).total_seconds() if events else None
state = 2 if soonest is not None and soonest <= crit else 1 if soonest is not None and soonest <= warn else 0
label = ["OK", "WARNING", "CRITICAL"][state]
first = f": {events[0][2]} on {events[0][1]} ({names.get(events[0][1], '')})" if events else ""
print(f"EVENTS {label} - {len(events)} pending events on {instances} instances{first} | events={len(events)} instances={instances}")
sys.exit(state)
