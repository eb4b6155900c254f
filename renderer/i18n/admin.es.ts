// Sign-in, lock screen, first run, settings (admin), configuration problems and the training phone link.
// Spread into `es.ts`, so these keys are part of MessageKey and `admin.en.ts` must have them all.
export const adminEs = {
  // Session bar
  'session.signedInAs': '{name} ({ref})',
  'session.role.cashier': 'cajero',
  'session.role.manager': 'encargado',
  'session.lock': 'Bloquear',
  'session.signOut': 'Salir',
  'session.settings': 'Ajustes',
  'session.label': 'Sesión',

  // Sign-in and lock screen
  'signin.title': 'Identifícate para vender',
  'signin.lockedTitle': 'Terminal bloqueado',
  'signin.lockedBy':
    '{name} ({ref}) bloqueó el terminal. Lo que estaba haciendo sigue ahí: introduce tu PIN para continuar.',
  'signin.lockedIdle': 'Se bloqueó por inactividad.',
  'signin.operator': 'Operador',
  'signin.operatorHint': 'Tu número de operador',
  'signin.pin': 'PIN',
  'signin.submit': 'Entrar',
  'signin.unlock': 'Desbloquear',
  'signin.otherOperator': 'Entrar con otro operador',
  'signin.working': 'Comprobando…',
  'signin.trainingTitle': 'Modo formación',
  'signin.trainingHint':
    'Para practicar: cajero {cashier} con PIN {cashierPin}; encargado {manager} con PIN {managerPin}. Solo funcionan en formación.',
  'signin.firstRunTitle': '¿Primera vez en este terminal?',
  'signin.firstRunBody':
    'Todavía no hay encargado. Crea el encargado de la tienda: su PIN hará falta para los ajustes, pasar a modo real, cancelaciones y devoluciones.',
  'signin.firstRunButton': 'Crear el encargado',
  'signin.operatorsLostTitle': 'Faltan los operadores de esta caja',
  'signin.operatorsLostBody':
    'Esta caja tenía operadores y sus datos no se han podido leer (la base de datos de la caja se dañó o se perdió). Desde aquí no se puede crear un encargado nuevo: avisa al servicio informático de la tienda, que restaurará los datos o permitirá un encargado nuevo (guía de IT, «Dónde está cada cosa»).',

  // PIN errors (shared by every PIN prompt)
  'pin.wrong': 'Operador o PIN incorrecto.',
  'pin.attemptsLeft':
    '{count, plural, one {Te queda # intento} other {Te quedan # intentos}} antes de un bloqueo temporal.',
  'pin.lockedOut': 'Demasiados PIN incorrectos. Vuelve a intentarlo a partir de las {time}.',
  'pin.format': 'El PIN son de 4 a 8 cifras.',
  'pin.weak': 'Elige otro PIN: ni todas las cifras iguales ni seguidas (como 1234).',
  'pin.mismatch': 'Los dos PIN no coinciden.',
  'pin.trainingManager': 'Hace falta el PIN de un encargado real de la tienda (no el de formación).',

  // First-run manager
  'bootstrap.title': 'Crear el encargado de la tienda',
  'bootstrap.id': 'Número de operador',
  'bootstrap.idHint': 'Letras o cifras, hasta 16. Es lo que se teclea al entrar y lo que recibe SeQura como operador.',
  'bootstrap.name': 'Nombre',
  'bootstrap.pin': 'PIN (4 a 8 cifras)',
  'bootstrap.pinAgain': 'Repite el PIN',
  'bootstrap.submit': 'Crear encargado',
  'bootstrap.cancel': 'Volver',
  'bootstrap.done': 'Encargado {id} creado: ya se puede entrar con ese número y su PIN.',
  'bootstrap.idTaken': 'Ya existe un operador con ese número.',
  'bootstrap.idReserved': 'Ese número está reservado para formación.',

  // Settings (admin)
  'admin.title': 'Ajustes del terminal',
  'admin.close': 'Cerrar ajustes',
  'admin.elevateTitle': 'PIN del encargado',
  'admin.elevateBody': 'Los ajustes los abre un encargado. Introduce su PIN.',
  'admin.elevateSubmit': 'Abrir ajustes',
  'admin.working': 'Un momento…',
  'admin.restarting': 'El terminal se está reiniciando con la nueva configuración…',

  'admin.config.title': 'Configuración de la tienda',
  'admin.config.readOnly': 'La gestiona TI con el archivo de configuración: aquí solo se consulta.',
  'admin.config.file': 'Archivo',
  'admin.config.absent': 'No hay archivo de configuración: el terminal funciona en formación. TI debe dejarlo en:',
  'admin.config.key': 'Clave',
  'admin.config.value': 'Valor',
  'admin.config.reload': 'Volver a leer la configuración',

  'admin.sequra.title': 'Conexión con SeQura',
  'admin.sequra.mode': 'Modo',
  'admin.sequra.credentials': 'Credenciales',
  'admin.sequra.stored': 'Guardadas de forma cifrada en este equipo',
  'admin.sequra.notStored': 'Sin credenciales',
  'admin.sequra.blocked.no_config':
    'Para pasar a real falta el archivo de configuración (dice a qué SeQura y comercio conectar).',
  'admin.sequra.blocked.config_invalid': 'Para pasar a real hay que corregir el archivo de configuración.',
  'admin.sequra.blocked.no_credentials':
    'Para pasar a real: escribe las credenciales de SeQura, prueba la conexión y guárdalas con el PIN de un encargado.',
  'admin.sequra.username': 'Usuario de la API de SeQura',
  'admin.sequra.password': 'Contraseña de la API',
  'admin.sequra.test': 'Probar conexión',
  'admin.sequra.testStored': 'Probar las credenciales guardadas',
  'admin.sequra.testOk': 'Conexión correcta: las credenciales llegan al comercio {merchant}.',
  'admin.sequra.testFailed': 'La prueba no ha pasado.',
  'admin.sequra.problem.no_config': 'No hay configuración válida: no se sabe a qué SeQura conectar.',
  'admin.sequra.problem.no_credentials': 'No hay credenciales que probar.',
  'admin.sequra.problem.auth': 'SeQura no acepta ese usuario o contraseña.',
  'admin.sequra.problem.merchant_not_found':
    'Las credenciales funcionan, pero no dan acceso al comercio configurado ({merchant}).',
  'admin.sequra.problem.unreachable': 'No se pudo llegar a SeQura (red, proxy o cortafuegos).',
  'admin.sequra.problem.unexpected': 'SeQura respondió algo inesperado.',
  'admin.sequra.merchants': 'Comercios a los que llegan estas credenciales',
  'admin.sequra.merchantRef': 'Referencia',
  'admin.sequra.merchantName': 'Nombre',
  'admin.sequra.country': 'País',
  'admin.sequra.configured': 'el de esta tienda',
  'admin.sequra.managerPin': 'PIN del encargado',
  'admin.sequra.goLive': 'Guardar y pasar a modo real',
  'admin.sequra.confirmTitle': 'Confirma con el PIN de un encargado de la tienda',
  'admin.sequra.replace': 'Guardar las nuevas credenciales',
  'admin.sequra.testFirst': 'Primero prueba la conexión con estas credenciales.',
  'admin.sequra.remove': 'Quitar las credenciales y volver a formación',
  'admin.sequra.saved': 'Credenciales guardadas. El terminal pasa a modo real.',
  'admin.sequra.removed': 'Credenciales quitadas. El terminal vuelve a formación.',

  'admin.enrol.title': 'Archivo de credenciales de un solo uso',
  'admin.enrol.body':
    'TI puede dejar las credenciales en este archivo; el terminal las prueba, las guarda cifradas y lo borra:',
  'admin.enrol.none': 'No se sabe dónde está la configuración, así que no hay archivo de credenciales.',
  'admin.enrol.last': 'Último intento ({time}):',
  'admin.enrol.outcome.enrolled': 'credenciales inscritas',
  'admin.enrol.outcome.rejected': 'SeQura las rechazó',
  'admin.enrol.outcome.unreachable': 'SeQura no respondió; se reintentará',
  'admin.enrol.outcome.waiting_for_config': 'esperando al archivo de configuración',
  'admin.enrol.outcome.invalid_file': 'el archivo no es válido',
  'admin.enrol.outcome.not_stored': 'pasaron la prueba pero el llavero del sistema no pudo guardarlas',
  'admin.enrol.deleted': 'Archivo borrado.',
  'admin.enrol.kept': 'El archivo sigue ahí.',
  'admin.enrol.now': 'Inscribir desde el archivo ahora',
  'admin.enrol.noFile': 'No hay archivo de credenciales en esa ruta.',

  'admin.operators.title': 'Operadores',
  'admin.operators.realOnly': 'Solo un encargado real (no el de formación) puede gestionar operadores.',
  'admin.operators.id': 'Número',
  'admin.operators.name': 'Nombre',
  'admin.operators.role': 'Función',
  'admin.operators.state': 'Estado',
  'admin.operators.active': 'Activo',
  'admin.operators.disabled': 'Desactivado',
  'admin.operators.disable': 'Desactivar',
  'admin.operators.enable': 'Activar',
  'admin.operators.newPin': 'Nuevo PIN',
  'admin.operators.setPin': 'Cambiar PIN',
  'admin.operators.pinChanged': 'PIN de {id} cambiado.',
  'admin.operators.add': 'Añadir operador',
  'admin.operators.added': 'Operador {id} añadido.',
  'admin.operators.pin': 'PIN inicial',
  'admin.operators.none': 'Todavía no hay operadores.',

  'admin.database.title': 'Base de datos del terminal',
  'admin.database.body':
    'El terminal comprueba su base de datos rápidamente cada vez que arranca. Esta comprobación es completa: lee toda la base de datos y puede tardar unos segundos.',
  'admin.database.check': 'Comprobar la base de datos',
  'admin.database.ok': 'Base de datos íntegra (comprobada el {at}, {ms} ms).',
  'admin.database.failed': 'La base de datos tiene errores (comprobada el {at}):',
  'admin.database.failedWhatToDo':
    'Avisa a informática hoy mismo y no borres ningún archivo. No cierres la aplicación hasta que lo revisen: al arrancar de nuevo, el terminal apartará la base de datos sin tocarla y mostrará la pantalla de recuperación.',
  'admin.exports.title': 'Registro de auditoría y diagnóstico',
  'admin.exports.body':
    'Los archivos se guardan en este equipo; TI los recoge de la carpeta indicada. No contienen datos de clientes ni credenciales.',
  'admin.exports.audit': 'Exportar registro de auditoría',
  'admin.exports.diagnostics': 'Exportar diagnóstico',
  'admin.exports.saved': 'Guardado en {path}',
  'admin.exports.chain.ok':
    'Registro de auditoría íntegro: {entries, plural, one {# entrada verificada} other {# entradas verificadas}}.',
  'admin.exports.chain.broken':
    'El registro de auditoría ha sido alterado: {problem} (entrada {seq}). Conserva la exportación y avisa a TI.',
  'admin.exports.chain.unverifiable':
    '{count, plural, one {# entrada anterior no se puede verificar} other {# entradas anteriores no se pueden verificar}}: la clave de este equipo cambió (se restableció el llavero del sistema). Las entradas nuevas sí se verifican.',
  'admin.exports.problem.unreadable_entry': 'una entrada ilegible',
  'admin.exports.problem.sequence_gap': 'faltan entradas',
  'admin.exports.problem.broken_link': 'una entrada modificada, insertada o borrada',
  'admin.exports.problem.head_missing': 'se borró la cabecera del registro',
  'admin.exports.problem.head_invalid': 'la cabecera del registro no es auténtica',
  'admin.exports.problem.tail_removed': 'se borraron las últimas entradas',
  'admin.exports.problem.head_mismatch': 'el registro fue reescrito',
  'admin.exports.problem.alarm_recorded': 'se detectó una manipulación al arrancar',

  // Configuration problems
  'configProblem.title': 'El archivo de configuración tiene errores',
  'configProblem.body':
    'No se puede vender (tampoco en formación) hasta que TI lo corrija. Los mensajes de cada clave están en inglés, como en la guía de TI.',
  'configProblem.file': 'Archivo:',
  'configProblem.key': 'Clave',
  'configProblem.problem': 'Qué falla',
  'configProblem.fileLevel': '(el archivo entero)',
  'configProblem.rootLevel': '(nivel superior)',
  'configProblem.help':
    'Corrige el archivo (la guía de TI explica cada clave) y pulsa «Volver a comprobar». No hace falta reiniciar.',
  'configProblem.recheck': 'Volver a comprobar',
  'configProblem.diagnostics': 'Exportar diagnóstico',

  // Training
  'training.phoneLink': 'Abrir el móvil virtual del cliente',
  'training.phoneLinkSale': 'Abrir el móvil virtual del cliente para esta venta',
} as const;
