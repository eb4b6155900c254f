// The recovery screen's words, merged into es.ts by spreading. `recovery.en.ts` must have the same
// keys (TypeScript enforces it through en.ts).
export const recoveryEs = {
  'recovery.heading': 'Se han apartado archivos de datos que no se podían usar',
  'recovery.lead':
    'Al arrancar, el terminal encontró archivos que no podía leer. No se ha borrado nada: cada archivo se ha guardado aparte, tal cual estaba, y el terminal sigue con uno nuevo.',
  'recovery.whatToDo':
    'Avisa al soporte informático de la tienda y no borres estos archivos: contienen la información para recuperarlos.',
  'recovery.file.journal': 'Diario de ventas',
  'recovery.file.outbox': 'Cola de envíos a SeQura',
  'recovery.file.settings': 'Ajustes del terminal',
  'recovery.file.history': 'Historial de ventas de {month}',
  'recovery.file.other': 'Archivo «{name}»',
  'recovery.reason.corrupt': 'El archivo estaba dañado o incompleto.',
  'recovery.reason.newer_version':
    'Lo escribió una versión más nueva de la aplicación. Esta versión no lo modifica: al volver a instalar la versión nueva se podrá usar.',
  'recovery.effect.journal':
    'Las ventas que estaban en curso no aparecen en pantalla. Las confirmaciones que ya estaban en la cola siguen enviándose a SeQura, y los números de ticket continúan por encima de los ya usados.',
  'recovery.effect.outbox':
    'Las confirmaciones y entregas pendientes se vuelven a poner en cola a partir del diario de ventas.',
  'recovery.effect.settings': 'El idioma y los ajustes del terminal vuelven a los valores iniciales.',
  'recovery.effect.history':
    'Las ventas terminadas de ese mes no aparecen en el historial hasta que se recupere el archivo.',
  'recovery.savedAs': 'Guardado como',
  'recovery.when': 'Apartado el',
  'recovery.detail': 'Detalle técnico',
  'recovery.acknowledge': 'Entendido, continuar',
  'database.heading.damaged': 'La base de datos del terminal está dañada: este terminal no puede vender',
  'database.heading.missing': 'Falta la base de datos del terminal: este terminal no puede vender',
  'database.lead.damaged':
    'Al arrancar, la base de datos no pasó su comprobación de integridad. No se ha reparado ni sustituido: se ha movido, tal cual estaba, a la carpeta indicada abajo. Las ventas, las confirmaciones pendientes para SeQura y los operadores están en ella.',
  'database.lead.missing':
    'En este terminal había una base de datos y ya no está en su carpeta (se borró o se cambió la carpeta). El terminal no ha empezado una vacía en su lugar: parecería un terminal nuevo y se perderían sin aviso las ventas, las confirmaciones pendientes y los operadores.',
  'database.keptAt': 'Guardada en',
  'database.at': 'Detectado el',
  'database.lastTicket': 'Último ticket conocido',
  'database.detail': 'Detalle técnico',
  'database.cashier':
    'No vendas en este terminal. Avisa al soporte informático de la tienda y no borres ningún archivo.',
  'database.itHeading': 'Para informática',
  'database.itRestore':
    'Si hay una copia de seguridad: cierra la aplicación, copia till.db en la carpeta de datos y vuelve a abrirla.',
  'database.itNew':
    'Si no hay copia: crea el archivo {file} con cualquier texto (por ejemplo, el número de incidencia) y vuelve a abrir la aplicación. Empezará una base de datos vacía que continúa los números de ticket por encima del último; los operadores se vuelven a crear como indica la guía de informática.',
} as const;
