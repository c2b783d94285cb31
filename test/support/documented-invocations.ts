import fs from 'node:fs';
import path from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { REPO_ROOT } from './ingest-fixture.js';

export interface DocumentedInvocation {
  /** Where it is written: `README.md:42` or `--help of ingest`. */
  source: string;
  /** The arguments after the program name. */
  args: string[];
}

/**
 * Every invocation of the tool the README shows: in code blocks (`$ tecsalud-batch …`, plain lines, cron and
 * systemd lines, `\` continuations, `&&` chains) and in inline code (`` `tecsalud-batch review` ``).
 */
export function readmeInvocations(readme = path.join(REPO_ROOT, 'README.md')): DocumentedInvocation[] {
  const lines = fs.readFileSync(readme, 'utf8').split('\n');
  const found: DocumentedInvocation[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      inBlock = !inBlock;
      continue;
    }
    const where = `README.md:${i + 1}`;
    if (inBlock) {
      let text = line;
      while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + lines[++i]!;
      for (const args of invocationsIn(text)) found.push({ source: where, args });
    } else {
      for (const match of line.matchAll(/`((?:npx )?tecsalud-batch [^`]+)`/g)) {
        for (const args of invocationsIn(match[1]!)) found.push({ source: where, args });
      }
    }
  }
  return found;
}

/** Every `$ tecsalud-batch …` example in the help of the program and of each of its commands. */
export function helpInvocations(program: CommandUnknownOpts): DocumentedInvocation[] {
  const found: DocumentedInvocation[] = [];
  const visit = (command: CommandUnknownOpts, name: string) => {
    let text = '';
    command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
    command.outputHelp();
    for (const line of text.split('\n')) {
      const match = /^\s*\$ (tecsalud-batch .*)$/.exec(line);
      if (match)
        for (const args of invocationsIn(match[1]!)) found.push({ source: `--help of ${name}`, args });
    }
    for (const sub of command.commands) visit(sub, `${name} ${sub.name()}`.trim());
  };
  visit(program, '');
  return found;
}

/** The argument lists of the tool's invocations in one shell line. */
function invocationsIn(line: string): string[][] {
  const out: string[][] = [];
  const text = line.replace(/^\s*\$\s+/, '');
  for (const segment of splitTopLevel(words(text).map((word) => word.replace(/^ExecStart=/, '')))) {
    // The program itself, not a folder of that name (`WorkingDirectory=/opt/tecsalud-batch`).
    const at = segment.findIndex((word) => !word.includes('=') && /(^|\/)tecsalud-batch(\.js)?$/.test(word));
    // `npx --prefix /opt/tecsalud-batch tecsalud-batch …`: the tool is the word after the prefix's value.
    if (at < 0) continue;
    const start = segment[at - 1] === '--prefix' ? segment.indexOf('tecsalud-batch', at + 1) : at;
    if (start < 0) continue;
    out.push(segment.slice(start + 1));
  }
  return out;
}

/** Shell words, with quotes removed; a `#` comment, redirections and what follows `||` or `|` dropped. */
function words(text: string): string[] {
  const result: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      current += text.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? text.length : end;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) result.push(current);
      current = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) result.push(current);
  return result;
}

/** Splits at `&&`, and drops redirections and anything after `||` or `|`. */
function splitTopLevel(all: string[]): string[][] {
  const segments: string[][] = [[]];
  for (let i = 0; i < all.length; i++) {
    const word = all[i]!;
    if (word === '&&') segments.push([]);
    else if (word === '||' || word === '|') break;
    else if (word === '>' || word === '2>' || word === '<') i++;
    else if (/^\d?>/.test(word)) continue;
    else segments.at(-1)!.push(word);
  }
  return segments;
}
