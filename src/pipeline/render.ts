/**
 * Stage 4: render the resolved model as AWS config text. Pure and
 * deterministic: same model, same bytes, on any machine, locale or time zone
 * (no clock, no environment, no locale-aware formatting).
 *
 * The text must mean the same to both readers (FACTS.md):
 * - aws-okta (go-ini): no inline comments, no quotes, `key = value` lines;
 *   it follows one source_profile hop, so every spoke points at the hub.
 * - botocore (configparser): profiles are `[profile NAME]`, `[okta]` is kept
 *   as a plain section; duplicate sections or keys are fatal.
 * The ini package is deliberately not used: it quotes and escapes values in
 * ways botocore reads back literally.
 */
import type { AwsConfigModel, ProfileModel } from '../model.js';

/** The marker lines that frame robo's part of the file. */
export const BLOCK_END = '# <<< robo aws.config';
export function blockStart(team: string): string {
  return `# >>> robo aws.config - team ${team} - generated, local edits are overwritten`;
}

export function renderAwsConfig(model: AwsConfigModel): string {
  const sections: string[][] = [
    ['[okta]', ...model.okta.map(([key, value]) => `${key} = ${value}`)],
    profileLines(model.hub),
    ...model.spokes.map(profileLines),
  ];
  return [blockStart(model.team), sections.map((lines) => lines.join('\n')).join('\n\n'), BLOCK_END, ''].join('\n');
}

function profileLines(profile: ProfileModel): string[] {
  const lines = [`[profile ${profile.name}]`, `role_arn = ${profile.roleArn}`];
  if (profile.sourceProfile !== undefined) lines.push(`source_profile = ${profile.sourceProfile}`);
  lines.push(`region = ${profile.region}`);
  return lines;
}
