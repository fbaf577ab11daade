"""moto's server (python3 -m moto.server -H HOST -p PORT), shared by the whole test run.

Two changes to stock moto, both for that sharing:

- AWS managed policies are made on demand. moto builds every one of AWS's
  ~1,300 managed policies in each account it sees
  (MOTO_IAM_LOAD_MANAGED_POLICIES); for the example's eleven accounts that
  took most of a 35 s test. Here an account starts with none, and attaching
  arn:aws:iam::aws:policy/... makes that one from moto's data, as if it had
  always been there; a name AWS does not have still fails.
- POST /robo/reset-iam forgets IAM only. /moto-api/reset forgets STS's
  assumed roles too, which would break a test in another file between its
  AssumeRole and its GetCallerIdentity.
"""
import argparse
import json

import moto.iam.models as models
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

AWS_POLICIES = {}
for name, data in json.loads(models.aws_managed_policies_data).items():
    AWS_POLICIES[f"arn:aws:iam::aws:policy{data.get('Path', '/')}{name}"] = (name, data)

attach_role_policy = models.IAMBackend.attach_role_policy


def attach_on_demand(self, policy_arn, role_name):
    if policy_arn not in self.managed_policies and policy_arn in AWS_POLICIES:
        name, data = AWS_POLICIES[policy_arn]
        policy = models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
        self.managed_policies[policy.arn] = policy
    attach_role_policy(self, policy_arn, role_name)


models.IAMBackend.attach_role_policy = attach_on_demand
moto_app = DomainDispatcherApplication(create_backend_app)


def app(environ, start_response):
    if environ["PATH_INFO"] == "/robo/reset-iam" and environ["REQUEST_METHOD"] == "POST":
        for account in list(models.iam_backends.values()):
            account.reset()
        models.iam_backends.clear()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"reset\n"]
    return moto_app(environ, start_response)


parser = argparse.ArgumentParser()
parser.add_argument("-H", "--host", default="127.0.0.1")
parser.add_argument("-p", "--port", type=int, required=True)
args = parser.parse_args()
run_simple(args.host, args.port, app, threaded=True)
