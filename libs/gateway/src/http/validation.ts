import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldViolation } from '@cp/errors';

/** class-validator errors become one INVALID_ARGUMENT with a field violation per failed rule. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    exceptionFactory: (errors) => AppError.invalid(toViolations(errors)),
  });
}

function toViolations(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, description]) => ({
      field,
      description,
      violatedRule: rule.toUpperCase(),
    }));
    return [...own, ...toViolations(error.children ?? [], field)];
  });
}
