import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { errorResponse, ErrorStatus } from './error-responses';
import { ref } from './schema-builders';
import { ComponentName } from './schemas';

export interface OperationDoc {
  /** The name Wix's SDK gives the call (`createContact`), or ours in the same style. */
  id: string;
  summary: string;
  description?: string;
  /** The schema of the 200 answer. */
  answer: ComponentName;
  /** Errors this operation has besides the ones every operation of its kind has (see error-responses.ts). */
  errors?: ErrorStatus[];
}

/** Documents an operation: its id, its answer's schema and its own errors. */
export function Operation({ id, summary, description, answer, errors = [] }: OperationDoc): MethodDecorator {
  return applyDecorators(
    ApiOperation({ operationId: id, summary, ...(description && { description }) }),
    ApiResponse({ status: 200, description: 'OK', schema: ref(answer) }),
    ...errors.map((status) => ApiResponse(errorResponse(status))),
  );
}
