import { PinSchema } from '../../../shared/ipc/admin-schemas.ts';
import { auditResultOf, PendingAction } from '../audit/action-audit.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';
import type { OperatorsService } from '../operators/operators-service.ts';
import { CHANNEL_ACCESS } from './access.ts';
import type { Guard, Middleware } from './dispatcher.ts';

// The access table (access.ts) put to work: the guard decides who may call, the middleware writes the audit
// line. Both run in the dispatcher, the one path every request takes whichever transport carried it.

/** Refuses a call the table does not allow to the till's current session (or configuration). */
export function accessGuard(operators: OperatorsService, options: { configInvalid: boolean }): Guard {
  return async (channel, request) => {
    const rule = CHANNEL_ACCESS[channel];
    if (rule.role !== 'none') {
      const session = operators.sessionView();
      const managerPin = rule.role === 'manager' ? PinSchema.safeParse(pinIn(request)) : null;
      if (managerPin?.success && !(session && !session.locked && (session.role === 'manager' || session.elevated))) {
        // Only where the request carries a manager PIN (the configuration-problem screen's diagnostics export):
        // checked, rate limited and audited like every other manager PIN.
        await operators.authorizeManager(managerPin.data, channel);
      } else {
        if (!session || session.locked)
          throw new AppError('locked', session ? 'The till is locked: enter your PIN.' : 'Sign in first.', {
            fields: { session: session ? 'locked' : 'signed_out' },
          });
        if (rule.role === 'manager' && session.role !== 'manager' && !session.elevated)
          throw new AppError('locked', 'A manager is needed for this.', { fields: { session: 'not_elevated' } });
      }
    }
    if (options.configInvalid && rule.needsConfig)
      throw new AppError('locked', 'Selling is disabled until store IT fixes the machine configuration file.', {
        fields: { config: 'invalid' },
      });
    if (rule.activity) operators.activity();
  };
}

/**
 * One audit line per call for the channels the table says the dispatcher audits. A call that records a sale's
 * outcome writes its line inside that outcome's transaction (audit/action-audit.ts); the line of a call that
 * wrote none (refused before any write, failed before its outcome, or a channel that writes no sale) is
 * written here once the handler has answered.
 */
export function auditTrail(operators: OperatorsService, audit: AuditLog): Middleware {
  return async (channel, request, next) => {
    if (CHANNEL_ACCESS[channel].audit !== 'dispatcher') return next();
    const action = new PendingAction(audit, {
      actor: operators.sessionView()?.operatorRef ?? 'nobody',
      action: channel,
      target: targetOf(request),
    });
    let result: unknown;
    try {
      result = await action.run(next);
    } catch (error) {
      action.settle(auditResultOf(error));
      throw error;
    }
    action.settle({ outcome: 'ok' });
    return result;
  };
}

function pinIn(request: unknown): unknown {
  return request && typeof request === 'object' ? (request as Record<string, unknown>).managerPin : undefined;
}

/** The sale (or instruction) an action was about: ids only, never the request's content. */
function targetOf(request: unknown): string | null {
  if (!request || typeof request !== 'object') return null;
  const r = request as Record<string, unknown>;
  for (const key of ['saleId', 'instructionId', 'ticketNumber', 'day'])
    if (typeof r[key] === 'string') return `${key}:${String(r[key]).slice(0, 80)}`;
  return null;
}
