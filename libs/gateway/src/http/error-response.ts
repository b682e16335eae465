import { AppError, ErrorPayload, toErrorPayload } from '@cp/errors';
import { HttpRefusal } from './http-refusals';

export interface ErrorBody {
  message: string;
  details: ErrorPayload['details'];
  requestId: string;
}

/** The status and envelope every error leaves the gateway with, whichever layer answers. */
export function errorResponse(error: AppError, requestId: string): { status: number; body: ErrorBody } {
  const payload = toErrorPayload(error);
  const status = error instanceof HttpRefusal ? error.status : payload.status;
  return { status, body: { message: payload.message, details: payload.details, requestId } };
}
