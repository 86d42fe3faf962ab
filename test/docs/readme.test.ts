import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../src/cli/io.js';
import { COMMANDS } from '../../src/cli/main.js';
import { RULES } from '../../src/rules/index.js';

const README = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');

/** The rows of the first Markdown table after `heading`, each as its cells, header and rule lines left out. */
function tableAfter(heading: string): string[][] {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  const lines = README.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe("README's rules table", () => {
  it('lists every rule with exactly the severities it declares, worst first', () => {
    const documented = Object.fromEntries(tableAfter('## Rules').map(([id, severity]) => [id, severity]));
    expect(documented).toEqual(Object.fromEntries(RULES.map((r) => [`\`${r.id}\``, r.severities.join(' / ')])));
  });
});

describe("README's command line", () => {
  it('lists exactly the options each command parses', () => {
    const documented = Object.fromEntries(
      tableAfter('### Options').map(([command, options]) => [command, (options ?? '').split(' ').sort()]),
    );
    expect(documented).toEqual(
      Object.fromEntries(
        COMMANDS.map((c) => [
          `\`${c.name}\``,
          Object.keys(c.options ?? {})
            .filter((o) => o !== 'help')
            .map((o) => `\`--${o}\``)
            .sort(),
        ]),
      ),
    );
  });

  it('documents every exit code the program has', () => {
    const documented = tableAfter('### Exit codes').map(([code]) => Number(code));
    expect(documented).toEqual(Object.values(EXIT));
  });
});
