/**
 * The nightly job as each scheduler wants it (systemd service and timer,
 * launchd plist, crontab line), and the facts robo reads back from them. Pure.
 * Values are the user's (spaces, %, $, quotes, &), so each format is quoted by
 * its own rules: systemd's, XML's, cron's (an unescaped % is a newline).
 */
import { CRON_MARKER, LABEL, type Job, type TimeOfDay } from './job.js';

const HEADER = '# Written by robo nightly install; remove with: robo nightly uninstall';

/** "..." for systemd: backslash and double quote escaped, % doubled (specifiers). */
export function systemdQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/%/g, '%%')}"`;
}

/** The same for ExecStart=, where $ starts a variable and is doubled too. */
export function systemdExecQuote(value: string): string {
  return systemdQuote(value).replace(/\$/g, '$$$$');
}

export function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A word for sh: as it is when plainly safe, else in single quotes. */
export function shQuote(value: string): string {
  return /^[A-Za-z0-9_./:@+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderService(job: Job): string {
  return [
    HEADER,
    '[Unit]',
    `Description=Refresh the AWS config with robo (team ${job.team})`,
    '',
    '[Service]',
    'Type=oneshot',
    ...job.environment.map(([name, value]) => `Environment=${systemdQuote(`${name}=${value}`)}`),
    `ExecStart=${job.command.map(systemdExecQuote).join(' ')}`,
    `StandardOutput=append:${job.logFile.replace(/%/g, '%%')}`,
    `StandardError=append:${job.logFile.replace(/%/g, '%%')}`,
    'TimeoutStartSec=30min',
    '',
  ].join('\n');
}

/** 01:00 plus a delay of up to 4h that systemd picks once per machine; a missed night runs at the next start. */
export function renderTimer(): string {
  return [
    HEADER,
    '[Unit]',
    'Description=Nightly robo refresh of the AWS config (01:00 plus a fixed random delay of up to 4h)',
    '',
    '[Timer]',
    'OnCalendar=*-*-* 01:00:00',
    'RandomizedDelaySec=4h',
    'FixedRandomDelay=true',
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

export function renderPlist(job: Job): string {
  const string = (value: string) => `<string>${xmlEscape(value)}</string>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by robo nightly install; remove with: robo nightly uninstall -->',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>Label</key>',
    `\t${string(LABEL)}`,
    '\t<key>ProgramArguments</key>',
    '\t<array>',
    ...job.command.map((word) => `\t\t${string(word)}`),
    '\t</array>',
    '\t<key>EnvironmentVariables</key>',
    '\t<dict>',
    ...job.environment.flatMap(([name, value]) => [`\t\t<key>${xmlEscape(name)}</key>`, `\t\t${string(value)}`]),
    '\t</dict>',
    '\t<key>StartCalendarInterval</key>',
    '\t<dict>',
    '\t\t<key>Hour</key>',
    `\t\t<integer>${job.time.hour}</integer>`,
    '\t\t<key>Minute</key>',
    `\t\t<integer>${job.time.minute}</integer>`,
    '\t</dict>',
    '\t<key>StandardOutPath</key>',
    `\t${string(job.logFile)}`,
    '\t<key>StandardErrorPath</key>',
    `\t${string(job.logFile)}`,
    '\t<key>RunAtLoad</key>',
    '\t<false/>',
    '\t<key>ProcessType</key>',
    '\t<string>Background</string>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

/** One crontab line, without its newline, ending in CRON_MARKER. */
export function renderCronLine(job: Job): string {
  const assignments = job.environment.map(([name, value]) => `${name}=${shQuote(value)}`);
  const command = [...assignments, ...job.command.map(shQuote), '>>', shQuote(job.logFile), '2>&1'].join(' ');
  // cron turns an unescaped % into a newline (and what follows into stdin).
  return `${job.time.minute} ${job.time.hour} * * * ${command.replace(/%/g, '\\%')} ${CRON_MARKER}`;
}

/** Cron implementations that cut long lines do it at about 1000 characters. */
export const CRON_LINE_LIMIT = 990;

// ------------------------------------------------------------ read back

function validTime(hour: string | undefined, minute: string | undefined): TimeOfDay | undefined {
  if (!hour || !minute || !/^\d{1,2}$/.test(hour) || !/^\d{1,2}$/.test(minute)) return undefined;
  const time = { hour: Number(hour), minute: Number(minute) };
  return time.hour <= 23 && time.minute <= 59 ? time : undefined;
}

/** The time of robo's crontab line ("M H * * * ..."). */
export function cronTime(line: string): TimeOfDay | undefined {
  const [minute, hour] = line.trim().split(/\s+/);
  return validTime(hour, minute);
}

/** The time of a plist's StartCalendarInterval, as robo writes it (whitespace aside). */
export function plistTime(text: string): TimeOfDay | undefined {
  const flat = text.replace(/\s+/g, '');
  const interval = /<key>StartCalendarInterval<\/key><dict>(.*?)<\/dict>/.exec(flat)?.[1];
  if (interval === undefined) return undefined;
  const value = (key: string) => new RegExp(`<key>${key}</key><integer>(\\d+)</integer>`).exec(interval)?.[1];
  return validTime(value('Hour'), value('Minute'));
}

/** The team the job was installed for, from any of the three formats (team names need no quoting). */
export function jobTeam(text: string): string | undefined {
  return (
    /Environment="SEGMENT_TEAM=([a-z0-9_-]+)"/.exec(text)?.[1] ??
    /<key>SEGMENT_TEAM<\/key>\s*<string>([a-z0-9_-]+)<\/string>/.exec(text)?.[1] ??
    /(?:^|\s)SEGMENT_TEAM=([a-z0-9_-]+)\s/.exec(text)?.[1]
  );
}
