/**
 * Checks a JSON Schema cannot express, and precise explanations for values a
 * schema pattern refused. Each returns problems as data.
 */
import type { DefinitionFile } from '../definitions/definitions.js';
import { parseStrictJson } from '../definitions/json.js';
import { pointerSegment, type Problem } from './problems.js';
import { isKnownRegion, suggestRegion } from './regions.js';

/**
 * Text hygiene for every key and string in a definition file: no control
 * characters (a newline in a value would start a new line, and so a new key
 * or section, in ~/.aws/config), no leading or trailing whitespace (both
 * readers trim it, so what robo checked would differ from what they read).
 */
export function checkText(data: unknown, file: string, why: TextReasons = AWS_CONFIG_TEXT): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, pointer: string) => {
    if (typeof node === 'string') {
      const problem = textProblem(node, why);
      if (problem) problems.push({ file, pointer, message: problem, value: node });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${pointer}/${index}`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        const at = `${pointer}/${pointerSegment(key)}`;
        const problem = textProblem(key, why);
        if (problem) problems.push({ file, pointer: at, message: `the key ${problem}`, value: key });
        visit(value, at);
      }
    }
  };
  visit(data, '');
  return problems;
}

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

// A UTF-16 surrogate without its pair: not a character, and its UTF-8 (EF BF BD) is not the text checked.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a control character or surrounding whitespace is refused, for the readers of a kind of file. */
export interface TextReasons {
  control: string;
  whitespace: string;
}

/** Definition files: their strings end up in ~/.aws/config. */
const AWS_CONFIG_TEXT: TextReasons = {
  control: 'a newline or NUL would break ~/.aws/config',
  whitespace: 'which the AWS CLI and aws-okta would silently drop',
};

/** Inline policy files: their strings go to IAM as written. */
export const POLICY_TEXT: TextReasons = {
  control: 'a policy holds printable text only',
  whitespace: 'which IAM would keep: "ec2:Describe* " matches no action',
};

function textProblem(text: string, why: TextReasons): string | undefined {
  const lone = LONE_SURROGATE.exec(text);
  if (lone)
    return `contains an unpaired surrogate \\u${lone[0].charCodeAt(0).toString(16).toUpperCase()} at position ${lone.index + 1}: not a character, so it cannot be written as UTF-8`;
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `contains the control character U+${code} at position ${control.index + 1}: ${why.control}`;
  }
  if (text !== text.trim()) return `has leading or trailing whitespace, ${why.whitespace}`;
  return undefined;
}

/** Why an aws_saml_url is not the relative path aws-okta needs, in words. */
export function samlUrlProblem(url: string): string | undefined {
  const rule = 'must be the app path relative to your Okta org, like home/amazon_aws/<app-id>/<n>';
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return `${rule}: no scheme (aws-okta adds https:// and your Okta host)`;
  if (url.startsWith('//')) return `${rule}: no host`;
  if (url.startsWith('/')) return `${rule}: no leading slash`;
  if (url.includes('?') || url.includes('#'))
    return `${rule}: no query string or fragment (aws-okta appends ?onetimetoken=...)`;
  if (!/^home\/amazon_aws\/[A-Za-z0-9]+\/[0-9]+$/.test(url)) return rule;
  return undefined;
}

/**
 * Why an sso start_url is not one robo writes, or undefined. Without
 * custom_host it must be an AWS access portal, https://<name>.awsapps.com/start;
 * with it, an https URL on exactly that host. No query or fragment (the
 * console's copy has #/ on the end; the AWS CLI wants the bare URL), no
 * user name or port.
 */
export function startUrlProblem(url: string, customHost: string | undefined): string | undefined {
  const portal = customHost ? `an https URL on ${customHost} (sso.custom_host)` : 'https://<name>.awsapps.com/start';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `must be ${portal}: it is not a URL`;
  }
  if (parsed.protocol !== 'https:') return `must be ${portal}: https only`;
  if (parsed.username || parsed.password) return `must be ${portal}: no user name or password`;
  if (parsed.port) return `must be ${portal}: no port`;
  if (url.includes('?') || url.includes('#')) return `must be ${portal}: no query string or fragment (drop the #/)`;
  // The checks below read the parsed URL (host lowercased, "\\" as "/", "." and ".." segments
  // resolved), but robo writes the text as given: it must already be what the parser reads.
  const canonical = `https://${parsed.hostname}${parsed.pathname}`;
  if (url !== canonical && url !== `https://${parsed.hostname}`)
    return `must be ${portal}: write it as ${canonical}, as a URL parser reads it (a lowercase host, no \\, . or .. in the path)`;
  if (customHost) {
    if (!url.startsWith(`https://${customHost}/`) && url !== `https://${customHost}`)
      return `is on host ${parsed.hostname}, not sso.custom_host (${customHost})`;
    return undefined;
  }
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.awsapps\.com$/.test(parsed.hostname))
    return `must be ${portal}; ${parsed.hostname} is not an awsapps.com host (name your own host in sso.custom_host)`;
  if (!/^\/start\/?$/.test(parsed.pathname)) return `must be ${portal}: the path is /start`;
  return undefined;
}

/** An unknown region, with "did you mean"; undefined for a known one. */
export function regionProblem(region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  const suggestion = suggestRegion(region);
  return `is not a known AWS region${suggestion ? `; did you mean ${suggestion}?` : " (see robo's src/validate/regions.ts for the list)"}`;
}

/** Size, strict JSON and text hygiene: the same for every kind of file (`why`: whose rules the text breaks). */
export function readDocument(file: DefinitionFile, problems: Problem[], why?: TextReasons): unknown {
  if (file.refused) {
    problems.push({ file: file.file, pointer: '', message: file.refused });
    return undefined;
  }
  const parsed = parseStrictJson(file.text);
  if (!parsed.ok) {
    problems.push(...parsed.problems.map((problem) => ({ file: file.file, ...problem })));
    return undefined;
  }
  const text = checkText(parsed.value, file.file, why);
  if (text.length > 0) {
    problems.push(...text);
    return undefined;
  }
  return parsed.value;
}
