/**
 * When the job runs. launchd and cron run it at a time between 01:00 and
 * 04:59 picked at random at the first install (thousands of laptops must not
 * hit the git server at once) and kept on reinstall; systemd picks its own
 * delay after 01:00. Pure: the random source and the clock are passed in.
 */
import type { TimeOfDay } from './job.js';

/** A time between 01:00 and 04:59. */
export function pickTime(random: () => number): TimeOfDay {
  return { hour: 1 + Math.floor(random() * 4), minute: Math.floor(random() * 60) };
}

/** A seeded random source (mulberry32), so ROBO_NIGHTLY_SEED makes the time reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The next time of day after `now`, in the machine's local time (as launchd and cron read it). */
export function nextDaily(time: TimeOfDay, now: Date): Date {
  const next = new Date(now);
  next.setHours(time.hour, time.minute, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

/** "02:07" */
export function clock(time: TimeOfDay): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

/**
 * The timestamp systemctl prints for a timer's next run
 * (NextElapseUSecRealtime), asked with TZ=UTC: "Sat 2024-01-06 01:37:12 UTC".
 * undefined for anything else (n/a, empty: not scheduled).
 */
export function parseSystemdTimestamp(text: string): Date | undefined {
  const match = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC\b/.exec(text);
  return match ? new Date(`${match[1]}T${match[2]}Z`) : undefined;
}
