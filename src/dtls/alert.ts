// Alert protocol (RFC 5246 §7.2): two bytes, level and description.
export const ALERT_LEVEL = { warning: 1, fatal: 2 } as const;

export const ALERT = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_unknown: 46,
  illegal_parameter: 47,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  no_renegotiation: 100,
  unsupported_extension: 110,
} as const;
export type AlertDescription = keyof typeof ALERT;

export function alertName(code: number): string {
  for (const [name, v] of Object.entries(ALERT)) if (v === code) return name;
  return `alert_${code}`;
}

export function encodeAlert(level: number, description: number): Uint8Array {
  return new Uint8Array([level, description]);
}
