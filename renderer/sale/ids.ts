// Ids for cart entries the cashier adds. `crypto.randomUUID` only exists in secure contexts, and the till
// page may be served from a custom protocol, so the id is built from `getRandomValues`, which is always there.
export function newEntryId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
