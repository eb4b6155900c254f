// Spanish postal codes: five digits whose first two are the province (01 Álava … 50 Zaragoza, 51 Ceuta,
// 52 Melilla). Kept as a string everywhere: "08013" loses its leading zero as a number.

const POSTAL_CODE_PATTERN = /^(\d{2})\d{3}$/;

export function normalizePostalCode(raw: string): string {
  return raw.replace(/\s/g, '');
}

export function isValidSpanishPostalCode(raw: string): boolean {
  const match = POSTAL_CODE_PATTERN.exec(normalizePostalCode(raw));
  if (!match) return false;
  const province = Number(match[1]);
  return province >= 1 && province <= 52;
}
