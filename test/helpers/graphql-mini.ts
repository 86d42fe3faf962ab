/**
 * Just enough of GraphQL to answer the queries our adapters send the way
 * GitHub would: operations with variable definitions, aliases, arguments
 * (input objects and enum values included), inline fragments and named
 * fragments. It validates what GitHub validates
 * and a typo would break (unknown fields, undeclared, unused or missing
 * variables, unused fragments), so a test against it also tests the query.
 */

export type GqlValue = { variable: string } | { fields: Record<string, GqlValue> } | string | number | boolean | null;

export interface GqlField {
  kind: 'field';
  alias?: string;
  name: string;
  args: Record<string, GqlValue>;
  selections?: GqlSelection[];
}
export type GqlSelection =
  GqlField | { kind: 'inline'; on?: string; selections: GqlSelection[] } | { kind: 'spread'; name: string };

export interface GqlDocument {
  operation: { name?: string; variables: Map<string, { type: string }>; selections: GqlSelection[] };
  fragments: Map<string, { on: string; selections: GqlSelection[] }>;
}

export class GqlError extends Error {}

const TOKEN = /\s+|#[^\n]*|,|(\.\.\.|[{}():!$[\]=@])|([_A-Za-z][_0-9A-Za-z]*)|(-?\d+)|("(?:[^"\\]|\\.)*")/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new GqlError(`Parse error on ${JSON.stringify(source.slice(at, at + 20))}`);
    const token = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

export function parseGql(source: string): GqlDocument {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const token = tokens[i];
    if (token === undefined) throw new GqlError('Parse error: unexpected end of document');
    i += 1;
    return token;
  };
  const expect = (token: string) => {
    const got = next();
    if (got !== token) throw new GqlError(`Parse error: expected ${token}, got ${got}`);
  };
  const name = () => {
    const got = next();
    if (!/^[_A-Za-z]/.test(got)) throw new GqlError(`Parse error: expected a name, got ${got}`);
    return got;
  };
  const value = (): GqlValue => {
    const token = next();
    if (token === '$') return { variable: name() };
    if (token === '{') {
      const fields: Record<string, GqlValue> = {};
      while (peek() !== '}') {
        const field = name();
        expect(':');
        fields[field] = value();
      }
      next();
      return { fields };
    }
    if (token.startsWith('"')) return JSON.parse(token) as string;
    if (/^-?\d+$/.test(token)) return Number(token);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    return token;
  };
  const selectionSet = (): GqlSelection[] => {
    expect('{');
    const selections: GqlSelection[] = [];
    while (peek() !== '}') {
      if (peek() === '...') {
        next();
        if (peek() === 'on') {
          next();
          selections.push({ kind: 'inline', on: name(), selections: selectionSet() });
        } else if (peek() === '{') {
          selections.push({ kind: 'inline', selections: selectionSet() });
        } else {
          selections.push({ kind: 'spread', name: name() });
        }
        continue;
      }
      let fieldName = name();
      let alias: string | undefined;
      if (peek() === ':') {
        next();
        alias = fieldName;
        fieldName = name();
      }
      const args: Record<string, GqlValue> = {};
      if (peek() === '(') {
        next();
        while (peek() !== ')') {
          const arg = name();
          expect(':');
          args[arg] = value();
        }
        next();
      }
      const field: GqlField = { kind: 'field', name: fieldName, args };
      if (alias !== undefined) field.alias = alias;
      if (peek() === '{') field.selections = selectionSet();
      selections.push(field);
    }
    next();
    return selections;
  };
  const typeRef = (): string => {
    if (peek() === '[') {
      next();
      const inner = typeRef();
      expect(']');
      return `[${inner}]${peek() === '!' ? next() : ''}`;
    }
    const base = name();
    return peek() === '!' ? `${base}${next()}` : base;
  };

  let operation: GqlDocument['operation'] | undefined;
  const fragments: GqlDocument['fragments'] = new Map();
  while (i < tokens.length) {
    if (peek() === 'fragment') {
      next();
      const fragmentName = name();
      expect('on');
      const on = name();
      if (fragments.has(fragmentName)) throw new GqlError(`There can be only one fragment named "${fragmentName}".`);
      fragments.set(fragmentName, { on, selections: selectionSet() });
      continue;
    }
    if (operation) throw new GqlError('This fake answers documents with one operation only');
    const variables = new Map<string, { type: string }>();
    let operationName: string | undefined;
    if (peek() === 'query') {
      next();
      if (peek() !== '(' && peek() !== '{') operationName = name();
      if (peek() === '(') {
        next();
        while (peek() !== ')') {
          expect('$');
          const variable = name();
          expect(':');
          variables.set(variable, { type: typeRef() });
        }
        next();
      }
    } else if (peek() !== '{') {
      throw new GqlError(`Parse error: unexpected ${peek()}`);
    }
    operation = { variables, selections: selectionSet() };
    if (operationName !== undefined) operation.name = operationName;
  }
  if (!operation) throw new GqlError('The document holds no operation');
  return { operation, fragments };
}

/** A field of a fake type: its value, given the parent's value and the arguments. */
export type Resolver = (parent: unknown, args: Record<string, unknown>) => unknown;

export interface GqlSchema {
  /** Fields per type; an interface lists the fields common to its types. */
  types: Record<string, Record<string, Resolver>>;
  /** The object type of a value returned by a resolver, for fragments and nested fields. */
  typeOf: (value: unknown, fieldType: string) => string;
  /** Each field's declared type name, e.g. Repository.object -> GitObject. */
  fieldTypes: Record<string, Record<string, string>>;
  /** Interfaces and the object types implementing them. */
  interfaces: Record<string, string[]>;
}

export interface GqlResponse {
  data?: unknown;
  errors?: { message: string; type?: string; path?: string[] }[];
}

function usedVariables(document: GqlDocument): Set<string> {
  const used = new Set<string>();
  const inValue = (value: GqlValue) => {
    if (value === null || typeof value !== 'object') return;
    if ('variable' in value) used.add(value.variable);
    else Object.values(value.fields).forEach(inValue);
  };
  const walk = (selections: GqlSelection[]) => {
    for (const s of selections) {
      if (s.kind === 'field') {
        Object.values(s.args).forEach(inValue);
        if (s.selections) walk(s.selections);
      } else if (s.kind === 'inline') {
        walk(s.selections);
      }
    }
  };
  walk(document.operation.selections);
  for (const fragment of document.fragments.values()) walk(fragment.selections);
  return used;
}

function usedFragments(document: GqlDocument): Set<string> {
  const used = new Set<string>();
  const walk = (selections: GqlSelection[]) => {
    for (const s of selections) {
      if (s.kind === 'spread') {
        if (used.has(s.name)) continue;
        used.add(s.name);
        const fragment = document.fragments.get(s.name);
        if (!fragment) throw new GqlError(`Fragment ${s.name} was used, but not defined`);
        walk(fragment.selections);
      } else if (s.selections) {
        walk(s.selections);
      }
    }
  };
  walk(document.operation.selections);
  return used;
}

/** Every field must exist on the static type it is selected on, as GitHub checks before running a query. */
function validateSelections(schema: GqlSchema, selections: GqlSelection[], type: string): void {
  const fields = schema.types[type];
  if (!fields) throw new GqlError(`No such type '${type}'`);
  for (const s of selections) {
    if (s.kind === 'spread') continue;
    if (s.kind === 'inline') {
      validateSelections(schema, s.selections, s.on ?? type);
      continue;
    }
    if (s.name === '__typename') continue;
    if (!fields[s.name]) throw new GqlError(`Field '${s.name}' doesn't exist on type '${type}'`);
    const fieldType = schema.fieldTypes[type]?.[s.name];
    if (fieldType === undefined && s.selections)
      throw new GqlError(`Selections can't be made on scalars (field '${s.name}' on type '${type}')`);
    if (fieldType !== undefined && !s.selections)
      throw new GqlError(`Field must have selections (field '${s.name}' returns ${fieldType})`);
    if (fieldType !== undefined && s.selections) validateSelections(schema, s.selections, fieldType);
  }
}

/**
 * Executes `query` against `schema` from `root` (of type Query), with the
 * validation errors GitHub gives (as `{errors}` without data) and resolver
 * errors as `{data, errors}`.
 */
export function executeGql(
  schema: GqlSchema,
  root: unknown,
  query: string,
  variables: Record<string, unknown> = {},
): GqlResponse {
  let document: GqlDocument;
  try {
    document = parseGql(query);
    const declared = document.operation.variables;
    const used = usedVariables(document);
    for (const v of used)
      if (!declared.has(v))
        throw new GqlError(
          `Variable $${v} is used by ${document.operation.name ?? 'anonymous query'} but not declared`,
        );
    for (const [v, { type }] of declared) {
      if (!used.has(v))
        throw new GqlError(
          `Variable $${v} is declared by ${document.operation.name ?? 'anonymous query'} but not used`,
        );
      if (type.endsWith('!') && (variables[v] === undefined || variables[v] === null))
        throw new GqlError(`Variable ${v} of type ${type} was provided invalid value`);
    }
    for (const v of Object.keys(variables))
      if (!declared.has(v)) throw new GqlError(`Variable $${v} was provided but not declared`);
    const fragmentsUsed = usedFragments(document);
    for (const f of document.fragments.keys())
      if (!fragmentsUsed.has(f)) throw new GqlError(`Fragment ${f} was defined, but not used`);
    validateSelections(schema, document.operation.selections, 'Query');
    for (const fragment of document.fragments.values()) validateSelections(schema, fragment.selections, fragment.on);
  } catch (error) {
    if (error instanceof GqlError) return { errors: [{ message: error.message }] };
    throw error;
  }

  const matches = (condition: string | undefined, type: string) =>
    condition === undefined || condition === type || (schema.interfaces[condition] ?? []).includes(type);
  const argValue = (value: GqlValue): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if ('variable' in value) return variables[value.variable];
    return Object.fromEntries(Object.entries(value.fields).map(([k, v]) => [k, argValue(v)]));
  };
  const errors: NonNullable<GqlResponse['errors']> = [];

  const resolveObject = (
    selections: GqlSelection[],
    value: unknown,
    type: string,
    path: string[],
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const fields = schema.types[type];
    if (!fields) throw new GqlError(`No type ${type} in the fake schema`);
    for (const selection of selections) {
      if (selection.kind === 'inline' || selection.kind === 'spread') {
        const fragment =
          selection.kind === 'inline'
            ? selection
            : (document.fragments.get(selection.name) as { on: string; selections: GqlSelection[] });
        if (matches(fragment.on, type)) mergeInto(out, resolveObject(fragment.selections, value, type, path));
        continue;
      }
      const key = selection.alias ?? selection.name;
      if (selection.name === '__typename') {
        out[key] = type;
        continue;
      }
      const resolver = fields[selection.name];
      if (!resolver) throw new GqlError(`Field '${selection.name}' doesn't exist on type '${type}'`);
      const args = Object.fromEntries(Object.entries(selection.args).map(([k, v]) => [k, argValue(v)]));
      let result: unknown;
      try {
        result = resolver(value, args);
      } catch (error) {
        if (!(error instanceof GqlResolveError)) throw error;
        errors.push({ message: error.message, type: error.type, path: [...path, key] });
        result = null;
      }
      const fieldType = schema.fieldTypes[type]?.[selection.name];
      mergeInto(out, { [key]: resolveValue(selection, result, fieldType, [...path, key]) });
    }
    return out;
  };
  const resolveValue = (field: GqlField, result: unknown, fieldType: string | undefined, path: string[]): unknown => {
    if (result === null || result === undefined) return null;
    if (Array.isArray(result))
      return result.map((item, n) => resolveValue(field, item, fieldType, [...path, String(n)]));
    if (fieldType === undefined) {
      if (field.selections) throw new GqlError(`Selections can't be made on scalars (field '${field.name}')`);
      return result;
    }
    if (!field.selections)
      throw new GqlError(`Field must have selections (field '${field.name}' returns ${fieldType})`);
    return resolveObject(field.selections, result, schema.typeOf(result, fieldType), path);
  };

  try {
    const data = resolveObject(document.operation.selections, root, 'Query', []);
    return errors.length > 0 ? { data, errors } : { data };
  } catch (error) {
    if (error instanceof GqlError) return { errors: [{ message: error.message }] };
    throw error;
  }
}

/** Thrown by a resolver: becomes an entry of `errors` and a null field, as GitHub does for NOT_FOUND. */
export class GqlResolveError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const seen = target[key];
    if (seen && value && typeof seen === 'object' && typeof value === 'object') {
      if (Array.isArray(seen) && Array.isArray(value)) {
        value.forEach((item, n) => {
          if (item && typeof item === 'object' && seen[n] && typeof seen[n] === 'object')
            mergeInto(seen[n] as Record<string, unknown>, item as Record<string, unknown>);
        });
      } else {
        mergeInto(seen as Record<string, unknown>, value as Record<string, unknown>);
      }
    } else {
      target[key] = value;
    }
  }
}
