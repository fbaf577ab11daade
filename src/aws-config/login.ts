/**
 * How a block robo renders signs in: aws-okta, or the IAM Identity Center
 * session its `[sso-session NAME]` section names. Read from the text itself,
 * so onboard (the block just rendered) and doctor (the block in the config)
 * agree without either loading the definitions again.
 */
export type Login = { kind: 'okta' } | { kind: 'sso'; session: string };

const SSO_SESSION = /^[ \t]*\[\s*sso-session\s+([^\]\s]+)\s*\][ \t]*\r?$/m;

/** The login of a robo block's text: its sso-session, else aws-okta (the only other form). */
export function loginOf(block: string): Login {
  const session = SSO_SESSION.exec(block)?.[1];
  return session === undefined ? { kind: 'okta' } : { kind: 'sso', session };
}
