// The placeholders of an ICU message, read from the message's literal type at compile time, so that
// `t('cart.lines', { count: 2 })` is checked against the Spanish source text itself: a missing, misspelt
// or wrongly typed value fails the typecheck. It reads the subset of ICU the catalogues use:
//   {name}                       string or number
//   {n, number} {n, number, …}   number
//   {d, date, …} {d, time, …}    Date or epoch milliseconds
//   {n, plural, one {…} other {…}}  and selectordinal: number; placeholders inside the branches count too
//   {s, select, a {…} other {…}}    string
// The runtime formatter is FormatJS's intl-messageformat; a unit test parses every message with FormatJS's own
// parser and checks every language has the same placeholders as Spanish, so this reader only has to agree
// with the source catalogue.

type TrimStart<S extends string> = S extends ` ${infer R}` | `\n${infer R}` ? TrimStart<R> : S;
type TrimEnd<S extends string> = S extends `${infer R} ` | `${infer R}\n` ? TrimEnd<R> : S;
type Trim<S extends string> = TrimEnd<TrimStart<S>>;

type ValueOf<Kind extends string> = Kind extends 'plural' | 'selectordinal' | 'number'
  ? number
  : Kind extends 'date' | 'time'
    ? Date | number
    : Kind extends 'select'
      ? string
      : string | number;

type Entry = [name: string, value: unknown];

/** Text: skip to the next `{`. */
type Walk<S extends string, Acc extends Entry> = S extends `${string}{${infer Rest}` ? ReadArgument<Rest, Acc> : Acc;

/** Right after `{`: `name}` or `name, kind…`. */
type ReadArgument<R extends string, Acc extends Entry> = R extends `${infer Name},${infer AfterName}`
  ? Name extends `${string}}${string}`
    ? SimpleArgument<R, Acc>
    : ReadKind<Trim<Name>, AfterName, Acc>
  : SimpleArgument<R, Acc>;

type SimpleArgument<R extends string, Acc extends Entry> = R extends `${infer Name}}${infer After}`
  ? Walk<After, Acc | [Trim<Name>, string | number]>
  : Acc;

type ReadKind<Name extends string, R extends string, Acc extends Entry> = R extends `${infer Kind},${infer Body}`
  ? Kind extends `${string}}${string}`
    ? KindOnly<Name, R, Acc>
    : Trim<Kind> extends 'plural' | 'select' | 'selectordinal'
      ? Branches<Name, Trim<Kind>, Body, Acc>
      : Body extends `${string}}${infer After}`
        ? Walk<After, Acc | [Name, ValueOf<Trim<Kind>>]>
        : Acc
  : KindOnly<Name, R, Acc>;

type KindOnly<Name extends string, R extends string, Acc extends Entry> = R extends `${infer Kind}}${infer After}`
  ? Walk<After, Acc | [Name, ValueOf<Trim<Kind>>]>
  : Acc;

/** ` one {…} other {…}} rest`: each branch is a message of its own; the argument ends at the lone `}`. */
type Branches<Name extends string, Kind extends string, B extends string, Acc extends Entry> =
  TrimStart<B> extends `}${infer After}`
    ? Walk<After, Acc | [Name, ValueOf<Kind>]>
    : B extends `${string}{${infer Inner}`
      ? Balanced<Inner, [], '', Name, Kind, Acc>
      : Acc;

type CountOpenings<S extends string, N extends 0[] = []> = S extends `${string}{${infer R}`
  ? CountOpenings<R, [...N, 0]>
  : N;

/** Collect one branch up to its matching `}`, read it, then go on with the next branch. */
type Balanced<
  S extends string,
  Depth extends 0[],
  Collected extends string,
  Name extends string,
  Kind extends string,
  Acc extends Entry,
> = S extends `${infer Before}}${infer After}`
  ? [...Depth, ...CountOpenings<Before>] extends [0, ...infer Deeper extends 0[]]
    ? Balanced<After, Deeper, `${Collected}${Before}}`, Name, Kind, Acc>
    : Branches<Name, Kind, After, Walk<`${Collected}${Before}`, Acc>>
  : Acc;

/** A name used twice (`{count}` and `{count, plural, …}`) must satisfy both uses: the intersection. */
type BothUses<E extends Entry> = (E extends Entry ? (x: [E[1]]) => void : never) extends (
  x: infer I extends [unknown],
) => void
  ? I[0]
  : never;

type ToObject<E extends Entry> = { [K in E[0]]: BothUses<Extract<E, [K, unknown]>> };

/** `{ count: number; name: string | number }` for a message; `{}` when it has no placeholder. */
export type IcuParams<S extends string> = string extends S ? Record<string, never> : ToObject<Walk<S, never>>;
