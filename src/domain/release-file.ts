import { parseRfc2822Date } from './rfc2822-date.js';
import { printable, type ParseResult } from './serial.js';

const FIELD_RE = /^([!-9;-~]+):(.*)$/;

interface Field {
  name: string;
  value: string;
}

/** The fields of the first deb822 paragraph; continuation lines join with "\n". */
function headerFields(text: string, url: string): ParseResult<Field[]> {
  const lines = text.split(/\r?\n/);
  let start = 0;
  while (start < lines.length && lines[start]?.trim() === '') start += 1;
  const fields: Field[] = [];
  for (let i = start; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line.trim() === '') break;
    const last = fields[fields.length - 1];
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!last) return { ok: false, error: `${url}: line ${i + 1} continues a field but no field precedes it` };
      last.value += `\n${line.trim()}`;
      continue;
    }
    const m = FIELD_RE.exec(line);
    if (!m || m[1]?.startsWith('#') || m[1]?.startsWith('-')) {
      return {
        ok: false,
        error: `${url}: line ${i + 1} is not a "Field: value" line: "${printable(line)}"; this is not a Release file`,
      };
    }
    fields.push({ name: m[1] as string, value: (m[2] as string).trim() });
  }
  return { ok: true, value: fields };
}

/**
 * Reads `Valid-Until` from a snapshot's Release file: when the snapshot
 * expires. Null when the field is absent, as in tagged snapshots, which
 * never expire. Because absence means "forever", the text must first prove
 * to be a Release file (a well-formed deb822 paragraph with a Suite or a
 * Codename): an HTML error page served with status 200 must not read as a
 * snapshot that never expires.
 */
export function parseValidUntil(text: string, url: string): ParseResult<Date | null> {
  const header = headerFields(text, url);
  if (!header.ok) return header;
  const fields = header.value;
  if (fields.length === 0) return { ok: false, error: `${url}: the Release file is empty` };
  const named = (name: string) => fields.filter((f) => f.name.toLowerCase() === name.toLowerCase());
  if (named('Suite').length === 0 && named('Codename').length === 0) {
    return { ok: false, error: `${url}: has neither a Suite nor a Codename field; this is not a Release file` };
  }
  const validUntil = named('Valid-Until');
  if (validUntil.length === 0) return { ok: true, value: null };
  if (validUntil.length > 1)
    return { ok: false, error: `${url}: the Release file has ${validUntil.length} Valid-Until fields` };
  const date = parseRfc2822Date((validUntil[0] as Field).value);
  return date.ok ? date : { ok: false, error: `${url}: Valid-Until ${date.error}` };
}
