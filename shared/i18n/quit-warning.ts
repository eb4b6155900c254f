import { IntlMessageFormat } from 'intl-messageformat';
import { LOCALES, type Language } from './languages.ts';

// The one piece of user-facing text main shows itself (a native dialog before quitting), in the till's
// language, as ICU messages like the renderer's catalogues. Spanish is the source; every language has the
// same keys.
const es = {
  title: 'Hay operaciones pendientes con SeQura',
  message:
    '{count, plural, one {# operación todavía no ha llegado} other {# operaciones todavía no han llegado}} a SeQura (la más antigua de las {time}).',
  detail:
    'Están guardadas en este terminal y se enviarán solas la próxima vez que se abra la aplicación. Si cierras ahora, no se envían hasta entonces.',
  quit: 'Cerrar de todos modos',
  stay: 'Seguir abierto',
};
type QuitWarning = Record<keyof typeof es, string>;
const catalogues: Record<Language, QuitWarning> = {
  es,
  ca: {
    title: 'Hi ha operacions pendents amb SeQura',
    message:
      '{count, plural, one {# operació encara no ha arribat} other {# operacions encara no han arribat}} a SeQura (la més antiga de les {time}).',
    detail:
      'Estan desades en aquest terminal i s’enviaran soles la propera vegada que s’obri l’aplicació. Si tanques ara, no s’envien fins aleshores.',
    quit: 'Tanca igualment',
    stay: 'Continua obert',
  },
  en: {
    title: 'Operations with SeQura are pending',
    message:
      '{count, plural, one {# operation has} other {# operations have}} not reached SeQura yet (the oldest from {time}).',
    detail:
      'They are saved on this till and will be sent by themselves the next time the app opens. If you close now, they wait until then.',
    quit: 'Close anyway',
    stay: 'Stay open',
  },
};

export function quitWarning(language: Language, count: number, oldestAt: string | null): QuitWarning {
  const locale = LOCALES[language];
  const catalogue = catalogues[language];
  const time = oldestAt
    ? new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(oldestAt))
    : '—';
  const message = String(new IntlMessageFormat(catalogue.message, locale).format({ count, time }));
  return { ...catalogue, message };
}
