import { formatField } from './load.js';

export interface FieldChange {
  /** Dotted path, e.g. `branches.development` or `snapshot_sets[0].thaws`. */
  field: string;
  /** JSON of the value before and after; undefined when the field is absent on that side. */
  before?: string;
  after?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What changes between two effective configurations, field by field: the
 * words a reviewer needs ("branches.development: ["devel"] → []"), which a
 * text diff of the YAML hides behind comments, anchors and key order. Lists
 * are compared whole, as a repository's file replaces them whole.
 */
export function configFieldChanges(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, path: PropertyKey[]) => {
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
        walk(a[key], b[key], [...path, key]);
      return;
    }
    const left = a === undefined ? undefined : JSON.stringify(a);
    const right = b === undefined ? undefined : JSON.stringify(b);
    if (left === right) return;
    changes.push({
      field: formatField(path),
      ...(left === undefined ? {} : { before: left }),
      ...(right === undefined ? {} : { after: right }),
    });
  };
  walk(before, after, []);
  return changes;
}

/** `branches.development: ["devel"] → []`, one change per item. */
export function describeFieldChange(change: FieldChange): string {
  return `${change.field}: ${change.before ?? '(absent)'} → ${change.after ?? '(absent)'}`;
}
