"""moto's server (python3 -m moto.server ARGS), with only the AWS managed policies a test attaches.

moto builds every one of AWS's ~1,300 managed policies in each account it
sees (MOTO_IAM_LOAD_MANAGED_POLICIES); for the example's eleven accounts that
took most of a 35 s test. ROBO_MOTO_POLICIES names the ones to keep (comma
separated policy names); attaching any other fails as on a real account
without it.
"""
import json
import os
import sys

import moto.iam.models as models
from moto.server import main

keep = set(filter(None, os.environ.get("ROBO_MOTO_POLICIES", "").split(",")))
data = json.loads(models.aws_managed_policies_data)
models.aws_managed_policies_data = json.dumps({name: policy for name, policy in data.items() if name in keep})
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
main(sys.argv[1:])
