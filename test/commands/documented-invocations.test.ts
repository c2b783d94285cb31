import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { helpInvocations, readmeInvocations, type DocumentedInvocation } from '../support/documented-invocations.js';

/** The real commander program with every action replaced by a recorder: parsing only, nothing runs. */
function stubbedProgram(): { program: Command; ran: string[]; errors: () => string } {
  const program = buildProgram();
  const ran: string[] = [];
  let errors = '';
  const visit = (command: Command, name: string) => {
    command.exitOverride();
    command.configureOutput({ writeOut: () => undefined, writeErr: (text) => (errors += text) });
    if (command.commands.length === 0) command.action(() => void ran.push(name));
    for (const sub of command.commands as Command[]) visit(sub, `${name} ${sub.name()}`.trim());
  };
  visit(program, '');
  return { program, ran, errors: () => errors };
}

async function parses(invocation: DocumentedInvocation): Promise<string | null> {
  const { program, ran, errors } = stubbedProgram();
  try {
    await program.parseAsync(invocation.args, { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return null;
    return `${invocation.source}: tecsalud-batch ${invocation.args.join(' ')}\n  ${errors().trim()}`;
  }
  return ran.length === 1 ? null : `${invocation.source}: no command ran`;
}

describe('every documented invocation parses', () => {
  const readme = readmeInvocations();
  const help = helpInvocations(buildProgram());

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
