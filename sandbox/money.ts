// Spanish formatting of integer cents, done by hand so the output does not depend on the ICU data Node ships with.

export function formatEuros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(Math.trunc(cents));
  const euros = String(Math.floor(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const rest = String(absolute % 100).padStart(2, '0');
  return `${sign}${euros},${rest} €`;
}
