/**
 * APT preferences (apt_preferences(5)): stanzas of `Field: value` lines
 * separated by blank lines. We keep line numbers so findings can point at
 * the stanza and planners can rewrite one line without touching the rest.
 */
export interface AptField {
  name: string;
  value: string;
  /** 0-based line index in the file. */
  line: number;
}

export interface AptStanza {
  /** 0-based index of the stanza's first line. */
  startLine: number;
  fields: AptField[];
}

export interface FreezeException {
  startLine: number;
  explanation: string;
  packages: string;
  /** NaN when the Pin-Priority field is missing or not a number. */
  priority: number;
  /** Line of the Pin-Priority field, undefined when it is missing. */
  priorityLine?: number;
}

export function parseAptPreferences(text: string): AptStanza[] {
  const lines = text.split('\n');
  const stanzas: AptStanza[] = [];
  let current: AptStanza | undefined;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      current = undefined;
      return;
    }
    if (line.startsWith('#')) return;
    if (/^\s/.test(line) && current) {
      const last = current.fields[current.fields.length - 1];
      if (last) last.value += `\n${line.trim()}`;
      return;
    }
    const m = /^([^:\s]+):\s*(.*)$/.exec(line);
    if (!current) {
      current = { startLine: i, fields: [] };
      stanzas.push(current);
    }
    if (m) current.fields.push({ name: m[1] as string, value: (m[2] as string).trim(), line: i });
  });
  return stanzas;
}

function field(stanza: AptStanza, name: string): AptField | undefined {
  return stanza.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

/** Stanzas whose Explanation starts with the configured prefix (case-insensitive). */
export function freezeExceptions(stanzas: AptStanza[], explanationPrefix: string): FreezeException[] {
  const prefix = explanationPrefix.toLowerCase();
  const out: FreezeException[] = [];
  for (const stanza of stanzas) {
    const explanation = stanza.fields.find(
      (f) => f.name.toLowerCase() === 'explanation' && f.value.toLowerCase().startsWith(prefix),
    );
    if (!explanation) continue;
    const priority = field(stanza, 'Pin-Priority');
    out.push({
      startLine: stanza.startLine,
      explanation: explanation.value,
      packages: field(stanza, 'Package')?.value ?? '',
      priority: priority && /^-?\d+$/.test(priority.value) ? Number(priority.value) : Number.NaN,
      priorityLine: priority?.line,
    });
  }
  return out;
}
