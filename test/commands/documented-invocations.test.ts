import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { beforeAll, describe, expect, it } from 'vitest';
import { Help } from '@commander-js/extra-typings';
import { buildProgram, COMMANDS, defineAllCommands } from '../../src/cli.js';
import { captureIo, createTempDir } from '../support/databases.js';
import {
  helpInvocations,
  readmeInvocations,
  type DocumentedInvocation,
} from '../support/documented-invocations.js';

/** A folder without a config file: the configuration is flags, an empty environment and defaults. */
const cwd = createTempDir('tecsalud-invocations-');

function testProgram() {
  const capture = captureIo();
  return { program: buildProgram({ cwd, env: {}, io: capture.io, stdin: process.stdin }), capture };
}

/**
 * The real commander program — its preAction hook resolving the configuration included — with every
 * action replaced by a recorder: parsing only, nothing runs.
 */
async function stubbedProgram(): Promise<{
  program: CommandUnknownOpts;
  ran: string[];
  errors: () => string;
}> {
  const { program, capture } = testProgram();
  await defineAllCommands(program);
  const ran: string[] = [];
  const errors = capture.stderr;
  const visit = (command: CommandUnknownOpts, name: string) => {
    if (command.commands.length === 0) command.action(() => void ran.push(name));
    for (const sub of command.commands) visit(sub, `${name} ${sub.name()}`.trim());
  };
  visit(program, '');
  return { program, ran, errors };
}

async function parses(invocation: DocumentedInvocation): Promise<string | null> {
  const { program, ran, errors } = await stubbedProgram();
  try {
    await program.parseAsync(invocation.args, { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return null;
    const message = errors().trim() || (error as Error).message;
    return `${invocation.source}: tecsalud-batch ${invocation.args.join(' ')}\n  ${message}`;
  }
  return ran.length === 1 ? null : `${invocation.source}: no command ran`;
}

describe('every documented invocation parses', () => {
  const readme = readmeInvocations();
  let help: DocumentedInvocation[] = [];
  beforeAll(async () => {
    const { program } = testProgram();
    await defineAllCommands(program);
    // The Spanish help's examples too: the words of a person in them are Spanish there (help-es).
    const spanish = buildProgram({ cwd, env: {}, io: captureIo().io, stdin: process.stdin }, 'es');
    await defineAllCommands(spanish);
    help = [
      ...helpInvocations(program),
      ...helpInvocations(spanish).map((invocation) => ({
        ...invocation,
        source: `${invocation.source} (es)`,
      })),
    ];
  });

  it('finds the examples to check', () => {
    expect(readme.length).toBeGreaterThan(30);
    expect(help.length).toBeGreaterThan(20);
    expect(readme.map((i) => i.args.join(' '))).toContain(
      'search biometría hemática --vector-store chroma --chroma-url http://localhost:8000',
    );
  });

  it('in the README and in every --help, through the real commander program', async () => {
    const failures: string[] = [];
    for (const invocation of [...readme, ...help]) {
      const failure = await parses(invocation);
      if (failure) failures.push(failure);
    }
    expect(failures).toEqual([]);
  });
});

describe('the program listing', () => {
  it('shows each command as its own declaration does, though it loads none of them to print it', async () => {
    const { program, capture } = testProgram();
    program.outputHelp();
    const listed = capture.stdout();
    await defineAllCommands(program);
    for (const entry of COMMANDS) {
      const command = program.commands.find((c) => c.name() === entry.term.split(' ')[0])!;
      expect(new Help().subcommandTerm(command), entry.term).toBe(entry.term);
      expect(command.summary(), entry.term).toBe(entry.summary);
      expect(listed).toContain(`  ${entry.term} `);
    }
  });
});
