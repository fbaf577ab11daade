/** Read an AWS config file exactly as the AWS CLI does, with botocore's own loader. */
import { execFileSync } from 'node:child_process';

const SCRIPT = 'import sys, json, botocore.configloader as c; print(json.dumps(c.load_config(sys.argv[1])))';

export interface BotocoreConfig {
  profiles: Record<string, Record<string, string>>;
  [section: string]: unknown;
}

export function loadWithBotocore(file: string): BotocoreConfig {
  return JSON.parse(execFileSync('python3', ['-c', SCRIPT, file], { encoding: 'utf8' })) as BotocoreConfig;
}
