/**
 * The one error type services throw for a caller's mistake or a refused action. The HTTP layer turns
 * it into `{"error":{"code","message"}}` with its status; `i18nKey` lets the console show it in the
 * user's language.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly i18nKey?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', 404, `${what} not found`);
