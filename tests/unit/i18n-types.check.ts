// Compile-time checks, run by `tsc` (npm test's typecheck): placeholder types are read from the Spanish
// messages, and a wrong call to `t` fails the build. Each `@ts-expect-error` fails the build if the line
// it guards ever compiles.
import type { IcuParams } from '../../renderer/i18n/icu-params.ts';
import { translator } from '../../renderer/i18n/i18n.tsx';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function check<T extends true>(): T | undefined {
  return undefined;
}

check<Equal<keyof IcuParams<'Hola'>, never>>();
check<Equal<IcuParams<'Hola {name}'>, { name: string | number }>>();
check<Equal<IcuParams<'{count, plural, one {# artículo} other {# artículos}}'>, { count: number }>>();
check<
  Equal<
    IcuParams<'{count, plural, one {1 pendiente de las {time}} other {# pendientes}} y {who}'>,
    { count: number; time: string | number; who: string | number }
  >
>();
check<Equal<IcuParams<'{kind, select, a {A {x}} other {O}}'>, { kind: string; x: string | number }>>();
check<
  Equal<IcuParams<'{n, number} y {d, date, short} {t, time}'>, { n: number; d: Date | number; t: Date | number }>
>();
check<Equal<IcuParams<'{count} de {count, plural, one {uno} other {varios}}'>, { count: number }>>();
check<
  Equal<
    IcuParams<'{a, plural, one {{b, select, x {{c}} other {y}}} other {z}} fin {d}'>,
    { a: number; b: string; c: string | number; d: string | number }
  >
>();

const t = translator('es');
t('shopper.cartRecap', { count: 2 });
t('cart.title');
// @ts-expect-error a plural takes a number
t('shopper.cartRecap', { count: 'dos' });
// @ts-expect-error the count is missing
t('shopper.cartRecap');
// @ts-expect-error the message has no placeholder
t('cart.title', { count: 1 });
// @ts-expect-error no such key
t('cart.nope');
