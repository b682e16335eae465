import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldViolation } from '@cp/errors';
import { refuseReservedKeys } from './reserved-keys';

/** Refuses prototype-machinery keys where Nest's pipe would silently delete them (see reserved-keys.ts). */
class RefusingValidationPipe extends ValidationPipe {
  protected override stripProtoKeys(value: unknown): void {
    refuseReservedKeys(value);
  }
}

/** class-validator errors become one INVALID_ARGUMENT with a field violation per failed rule. */
export function createValidationPipe(): ValidationPipe {
  return new RefusingValidationPipe({
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
