// a=fmtp parameter lists (RFC 8866 §6.15): "key=value;key=value", as the payload formats
// use them (Opus RFC 7587 §7, H.264 RFC 6184 §8.1, VP9 RFC 9628, RTX RFC 4588 §8.6).

/** Parses "a=1;b=2" into an ordered map; keys are lower-cased (the formats define them so). */
export function parseFmtpParameters(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(';')) {
    const item = raw.trim();
    if (item.length === 0) continue;
    const eq = item.indexOf('=');
    if (eq < 0) out.set(item.toLowerCase(), '');
    else out.set(item.slice(0, eq).trim().toLowerCase(), item.slice(eq + 1).trim());
  }
  return out;
}

/** Serialises an ordered map back to "a=1;b=2" (valueless keys stay bare). */
export function serializeFmtpParameters(params: ReadonlyMap<string, string> | Record<string, string>): string {
  const entries = params instanceof Map ? [...params.entries()] : Object.entries(params);
  return entries.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';');
}
