/**
 * robo's one line in a file it shares with its owner (the crontab, the shell
 * rc file), marked by a comment at its end: replaced where it is, hand-made
 * duplicates folded into the first, else appended. Every other byte stays. Pure.
 */

/** Whether a line is robo's: it ends with the marker, trailing blanks (and a CR) ignored. */
export function isMarked(line: string, marker: string): boolean {
  return line.trimEnd().endsWith(marker);
}

/** The text's lines, each with its newline (the last may have none). */
export function splitLines(text: string): string[] {
  return text === '' ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

/** The first marked line, without its line end. */
export function markedLine(text: string, marker: string): string | undefined {
  return splitLines(text)
    .map((line) => line.replace(/\n$/, ''))
    .find((line) => isMarked(line, marker));
}

/**
 * The text with robo's line set to `line` (undefined: taken out). The first
 * marked line becomes `line`, later ones go; without one, `line` is
 * appended (after a newline, if the text does not end with one).
 */
export function rewriteMarked(text: string, marker: string, line: string | undefined): string {
  let found = false;
  const kept = splitLines(text).flatMap((current) => {
    if (!isMarked(current, marker)) return [current];
    const first = !found;
    found = true;
    return first && line !== undefined ? [`${line}\n`] : [];
  });
  if (!found && line !== undefined) {
    const last = kept.at(-1);
    if (last !== undefined && !last.endsWith('\n')) kept[kept.length - 1] = `${last}\n`;
    kept.push(`${line}\n`);
  }
  return kept.join('');
}
