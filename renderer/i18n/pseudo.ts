// The pseudo-locale: every catalogue sentence accented, about a third longer and bracketed,
// "⟦Çóñţíñúá ~~~~⟧". A test switches it on and walks every screen: text that is not bracketed did not come
// from the catalogue, and a box that overflows is one that a longer language (Catalan, German…) would break.
// Switched on by `localStorage['pos.pseudoLocale'] = '1'` (tests and translators only; nothing sets it).
const ACCENTED: Record<string, string> = {
  a: 'á',
  e: 'é',
  i: 'í',
  o: 'ó',
  u: 'ú',
  c: 'ç',
  n: 'ñ',
  s: 'š',
  y: 'ý',
  z: 'ž',
  r: 'ŕ',
  l: 'ĺ',
  t: 'ţ',
  g: 'ğ',
  A: 'Á',
  E: 'É',
  I: 'Í',
  O: 'Ó',
  U: 'Ú',
  C: 'Ç',
  N: 'Ñ',
  S: 'Š',
  Y: 'Ý',
  Z: 'Ž',
  R: 'Ŕ',
  L: 'Ĺ',
  T: 'Ţ',
  G: 'Ğ',
};

export const PSEUDO_OPEN = '⟦';
export const PSEUDO_CLOSE = '⟧';

export function pseudoLocalize(text: string): string {
  const accented = [...text].map((char) => ACCENTED[char] ?? char).join('');
  // In groups of five, as a real language's extra words would be: they wrap where words wrap.
  const padding = ('~'.repeat(Math.max(1, Math.ceil(text.length * 0.35))).match(/.{1,5}/g) ?? []).join(' ');
  return `${PSEUDO_OPEN}${accented} ${padding}${PSEUDO_CLOSE}`;
}

export function pseudoLocaleOn(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem('pos.pseudoLocale') === '1';
  } catch {
    return false;
  }
}
