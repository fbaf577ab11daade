/**
 * A loopback stand-in for the IAM Identity Center portal's GetRoleCredentials
 * (botocore's data/sso/2019-06-10/service-2.json: GET /federation/credentials
 * with role_name and account_id in the query and the access token in the
 * x-amz-sso_bearer_token header). It answers only for the one token, account
 * and permission set it is given, as the real portal answers only for what the
 * person was granted; anything else is a 401 or 403 that botocore reports, so
 * a config that sent the wrong role or account fails the test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PortalGrant {
  token: string;
  accountId: string;
  roleName: string;
  /** The credentials handed out (moto accepts any key id; the test's STS calls are signed with them). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** When those credentials expire, in ms since the epoch (the portal's unit). */
  expiration: number;
}

export interface SsoPortal {
  endpoint: string;
  /** Each request as `role_name@account_id` or the reason it was refused, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startSsoPortal(grant: PortalGrant): Promise<SsoPortal> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET' || url.pathname !== '/federation/credentials') {
      requests.push(`unknown ${request.method ?? ''} ${url.pathname}`);
      return reply(404, { message: 'not found' });
    }
    if (request.headers['x-amz-sso_bearer_token'] !== grant.token) {
      requests.push('bad token');
      return reply(401, { message: 'Session token not found or invalid' });
    }
    const role = url.searchParams.get('role_name');
    const account = url.searchParams.get('account_id');
    if (role !== grant.roleName || account !== grant.accountId) {
      requests.push(`not granted ${role ?? ''}@${account ?? ''}`);
      return reply(403, { message: 'No access' });
    }
    requests.push(`${role}@${account}`);
    reply(200, { roleCredentials: { ...grant.credentials, expiration: grant.expiration } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
