// Actions that need a manager (settings, cancellations after confirmation, returns, releasing goods while a
// confirmation is pending) ask this. Implemented by the operators service; injected where it is needed so
// each capability can be tested with the real implementation on a temp data directory.
export interface ManagerAuthorizer {
  /**
   * Resolves with the manager's operator ref when `pin` is a manager's PIN; otherwise throws an AppError
   * with code 'locked' (wrong PIN, or too many wrong PINs: rate limited). Records the attempt in the audit log.
   */
  authorizeManager(pin: string, action: string): Promise<{ operatorRef: string }>;
}
