/**
 * The one error type every layer raises. It carries what the public API needs to answer
 * (status kind, UPPER_SNAKE_CASE code, data) without any framework in sight, so domain
 * code can throw it and the gateway can render it.
 */
export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export const HTTP_STATUS_OF: Record<ErrorKind, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 428,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** One invalid input field, rendered as `details.validationError.fieldViolations[]`. */
export interface FieldViolation {
  field: string;
  description: string;
  violatedRule: string;
  data?: Record<string, unknown>;
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
    readonly violations: FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return HTTP_STATUS_OF[this.kind];
  }

  static invalid(violations: FieldViolation[], message?: string): AppError {
    const text = message ?? violations.map((v) => `${v.field}: ${v.description}`).join('; ');
    return new AppError('INVALID_ARGUMENT', 'INVALID_ARGUMENT', text, {}, violations);
  }

  static invalidField(field: string, description: string, violatedRule = 'INVALID_ARGUMENT'): AppError {
    return AppError.invalid([{ field, description, violatedRule }]);
  }

  static notFound(code: string, message: string, data: Record<string, unknown> = {}): AppError {
    return new AppError('NOT_FOUND', code, message, data);
  }

  static conflict(code: string, message: string, data: Record<string, unknown> = {}): AppError {
    return new AppError('ALREADY_EXISTS', code, message, data);
  }

  static precondition(code: string, message: string, data: Record<string, unknown> = {}): AppError {
    return new AppError('FAILED_PRECONDITION', code, message, data);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
