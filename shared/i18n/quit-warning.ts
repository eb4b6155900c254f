// The one piece of user-facing text main shows itself (a native dialog before quitting), in the till's
// language. Spanish is the source; English must have the same keys.
type Language = 'es' | 'en';

const es = {
  title: 'Hay operaciones pendientes con SeQura',
  message: '{count} operación(es) todavía no han llegado a SeQura (la más antigua de las {time}).',
  detail:
    'Están guardadas en este terminal y se enviarán solas la próxima vez que se abra la aplicación. Si cierras ahora, no se envían hasta entonces.',
  quit: 'Cerrar de todos modos',
  stay: 'Seguir abierto',
};
const en: Record<keyof typeof es, string> = {
  title: 'Operations with SeQura are pending',
  message: '{count} operation(s) have not reached SeQura yet (the oldest from {time}).',
  detail:
    'They are saved on this till and will be sent by themselves the next time the app opens. If you close now, they wait until then.',
  quit: 'Close anyway',
  stay: 'Stay open',
};

export function quitWarning(language: Language, count: number, oldestTime: string): Record<keyof typeof es, string> {
  const catalogue = language === 'en' ? en : es;
  const fill = (text: string) => text.replace('{count}', String(count)).replace('{time}', oldestTime);
  return { ...catalogue, message: fill(catalogue.message) };
}
