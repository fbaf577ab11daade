"""Apply iam.terraform's generated JSON to a moto server, as Terraform would, through boto3.

Usage: moto_iam.py ENDPOINT DIR HUB_ROLE_ARN SPOKE_ROLE_ARN [DIR HUB_ROLE_ARN SPOKE_ROLE_ARN ...]

Creates the SAML provider, every role (trust checked by moto's trust-policy
grammar through update_assume_role_policy), inline policies (put_role_policy,
checked by moto's policy grammar) and managed policy attachments, in each
provider's account; then AssumeRoleWithSAML into the hub role and, with the
credentials it returns, AssumeRole into the spoke role. Each folder starts
from an empty IAM; one process for all of them (importing boto3 is most of a
run's CPU). Prints a JSON list, one object per folder.

The sso form (HUB_ROLE_ARN under /aws-reserved/sso.amazonaws.com/): there is
no SAML provider and robo creates no hub role, so this script makes the hub
role as IAM Identity Center would (AWSReservedSSO_<permission set>_<suffix>
on that path), gives it the permission set's policy from identity-center.tf.json
as its inline policy, and AssumeRoles into it instead of AssumeRoleWithSAML.
"""
import base64
import glob
import json
import os
import sys
import urllib.request

import boto3

endpoint = sys.argv[1]


def literal(text):
    # Terraform's JSON strings are templates: "$${" and "%%{" are a literal "${" and "%{".
    return text.replace("$${", "${").replace("%%{", "%{")


clients = {}


def client(service, credentials=None):
    # One client per service and credentials: making a boto3 client costs more than most calls.
    keys = credentials or {"AccessKeyId": "testing", "SecretAccessKey": "testing", "SessionToken": None}
    key = (service, keys["AccessKeyId"], keys.get("SessionToken"))
    if key not in clients:
        clients[key] = make_client(service, keys)
    return clients[key]


def make_client(service, keys):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys.get("SessionToken"),
    )


def in_account(account_id, service):
    # moto gives an assumed role's credentials the account of the role's ARN (the role need not exist).
    sts = client("sts")
    assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/moto-setup", RoleSessionName="setup")
    return client(service, assumed["Credentials"])


def apply(folder, hub_arn, spoke_arn):
    with open(os.path.join(folder, "providers.tf.json")) as handle:
        providers = json.load(handle)["provider"]["aws"]
    account_of = {f"aws.{p['alias']}": p["allowed_account_ids"][0] for p in providers}

    resources = {}
    for path in sorted(glob.glob(os.path.join(folder, "account-*.tf.json"))):
        with open(path) as handle:
            for kind, by_name in json.load(handle)["resource"].items():
                resources.setdefault(kind, {}).update(by_name)

    roles = resources.get("aws_iam_role", {})
    names = {address: body["name"] for address, body in roles.items()}

    def role_name(reference):
        # "${aws_iam_role.ADDRESS.name}" → the role's name.
        return names[reference[len("${aws_iam_role.") : -len(".name}")]]

    iams = {account: in_account(account, "iam") for account in sorted(set(account_of.values()))}
    hub_account = hub_arn.split(":")[4]
    saml_arns = set()
    for body in roles.values():
        for statement in json.loads(literal(body["assume_role_policy"]))["Statement"]:
            federated = statement.get("Principal", {}).get("Federated")
            if federated:
                saml_arns.add(federated)
    for arn in sorted(saml_arns):
        iams[hub_account].create_saml_provider(SAMLMetadataDocument="<md/>" * 200, Name=arn.split("/")[-1])

    counts = {"roles": 0, "inline": 0, "attached": 0}
    identity_center = "/aws-reserved/sso.amazonaws.com/" in hub_arn
    hub_name = hub_arn.split("/")[-1]
    if identity_center:
        # What Identity Center makes when a permission set is assigned to the hub account.
        hub_path = hub_arn.split(":role", 1)[1][: -len(hub_name)]
        permission_set = hub_name[len("AWSReservedSSO_") : -len("_0123456789abcdef")]
        with open(os.path.join(folder, "identity-center.tf.json")) as handle:
            policies = json.load(handle)["output"]["permission_set_policies"]["value"]
        hub_iam = iams.get(hub_account) or in_account(hub_account, "iam")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{hub_account}:root"}}]}
        hub_iam.create_role(RoleName=hub_name, Path=hub_path, AssumeRolePolicyDocument=json.dumps(trust))
        hub_iam.put_role_policy(RoleName=hub_name, PolicyName="AwsSSOInlinePolicy", PolicyDocument=literal(policies[permission_set]))
        counts["permissionSetPolicy"] = json.loads(literal(policies[permission_set]))
    # Hub roles first (depends_on): a spoke's trust names them.
    for address, body in sorted(roles.items(), key=lambda item: ("depends_on" in item[1], item[0])):
        iam = iams[account_of[body["provider"]]]
        trust = literal(body["assume_role_policy"])
        extra = {}
        if "description" in body:
            extra["Description"] = literal(body["description"])
        if "max_session_duration" in body:
            extra["MaxSessionDuration"] = body["max_session_duration"]
        iam.create_role(RoleName=body["name"], Path=body["path"], AssumeRolePolicyDocument=trust, **extra)
        iam.update_assume_role_policy(RoleName=body["name"], PolicyDocument=trust)
        counts["roles"] += 1
        if body["name"] == spoke_arn.split("/")[-1] and account_of[body["provider"]] == spoke_arn.split(":")[4]:
            # The trust as moto stored it (boto3 decodes the document).
            counts["spokeTrust"] = iam.get_role(RoleName=body["name"])["Role"]["AssumeRolePolicyDocument"]
    for body in resources.get("aws_iam_role_policy", {}).values():
        iams[account_of[body["provider"]]].put_role_policy(
            RoleName=role_name(body["role"]), PolicyName=body["name"], PolicyDocument=literal(body["policy"])
        )
        counts["inline"] += 1
    for body in resources.get("aws_iam_role_policy_attachment", {}).values():
        iams[account_of[body["provider"]]].attach_role_policy(RoleName=role_name(body["role"]), PolicyArn=body["policy_arn"])
        counts["attached"] += 1

    # moto refuses a policy that breaks IAM's grammar: the check above means something.
    try:
        iams[hub_account].put_role_policy(
            RoleName=hub_name, PolicyName="broken", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}'
        )
        counts["brokenAccepted"] = True
    except Exception as error:  # botocore's ClientError
        counts["brokenRefused"] = type(error).__name__ + ": " + str(error)

    if identity_center:
        hub = client("sts").assume_role(RoleArn=hub_arn, RoleSessionName="engineer@example.com")
    else:
        saml_arn = sorted(saml_arns)[0]
        assertion = f"""<?xml version="1.0"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
  <saml:Assertion>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>engineer@example.com</saml:AttributeValue></saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>{hub_arn},{saml_arn}</saml:AttributeValue></saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><saml:AttributeValue>3600</saml:AttributeValue></saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>"""
        hub = client("sts").assume_role_with_saml(
            RoleArn=hub_arn, PrincipalArn=saml_arn, SAMLAssertion=base64.b64encode(assertion.encode()).decode()
        )
    hub_sts = client("sts", hub["Credentials"])
    spoke = hub_sts.assume_role(RoleArn=spoke_arn, RoleSessionName="engineer")
    counts["hubIdentity"] = hub["AssumedRoleUser"]["Arn"]
    counts["spokeIdentity"] = spoke["AssumedRoleUser"]["Arn"]
    counts["spokeRole"] = iams[spoke_arn.split(":")[4]].get_role(RoleName=spoke_arn.split("/")[-1])["Role"]["Arn"]
    return counts


def reset_iam():
    # moto_server.py's reset: IAM only, so that both examples (same account ids) start from none.
    request = urllib.request.Request(f"{endpoint}/robo/reset-iam", method="POST")
    urllib.request.urlopen(request, timeout=10).read()


reports = []
for at in range(2, len(sys.argv), 3):
    reset_iam()
    reports.append(apply(*sys.argv[at : at + 3]))
print(json.dumps(reports))
