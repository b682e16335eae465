import { AppError, ErrorKind, FieldViolation, HTTP_STATUS_OF } from './app-error';

/**
 * The plain-JSON form of an AppError, as it crosses a transport (in-process or Kafka) and
 * as it is rendered to API callers. The `details` part is the public error envelope.
 */
export interface ErrorPayload {
  kind: ErrorKind;
  status: number;
  message: string;
  details: {
    applicationError?: { code: string; description: string; data: Record<string, unknown> };
    validationError?: { fieldViolations: FieldViolation[] };
  };
}

export function toErrorPayload(error: unknown): ErrorPayload {
  if (isErrorPayload(error)) return error;
  const appError = error instanceof AppError ? error : new AppError('INTERNAL', 'INTERNAL', 'Internal error');
  const details: ErrorPayload['details'] =
    appError.violations.length > 0
      ? { validationError: { fieldViolations: appError.violations } }
      : { applicationError: { code: appError.code, description: appError.message, data: appError.data } };
  return { kind: appError.kind, status: appError.httpStatus, message: appError.message, details };
}

export function fromErrorPayload(payload: ErrorPayload): AppError {
  const app = payload.details.applicationError;
  const violations = payload.details.validationError?.fieldViolations ?? [];
  return new AppError(payload.kind, app?.code ?? payload.kind, payload.message, app?.data ?? {}, violations);
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ErrorPayload>;
  return (
    typeof candidate.kind === 'string' &&
    candidate.kind in HTTP_STATUS_OF &&
    typeof candidate.message === 'string' &&
    typeof candidate.details === 'object'
  );
}
