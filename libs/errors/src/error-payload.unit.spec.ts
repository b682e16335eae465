import { AppError, fromErrorPayload, toErrorPayload } from './index';

describe('error payloads', () => {
  it('renders an application error with its code and data', () => {
    const payload = toErrorPayload(AppError.conflict('DUPLICATE_CONTACT_EXISTS', 'dup', { duplicateContactId: 'c1' }));
    expect(payload.status).toBe(409);
    expect(payload.details.applicationError).toEqual({
      code: 'DUPLICATE_CONTACT_EXISTS',
      description: 'dup',
      data: { duplicateContactId: 'c1' },
    });
  });

  it('renders validation errors as field violations', () => {
    const payload = toErrorPayload(AppError.invalidField('info.birthdate', 'must be YYYY-MM-DD'));
    expect(payload.status).toBe(400);
    expect(payload.details.validationError?.fieldViolations[0].field).toBe('info.birthdate');
  });

  it('hides unknown errors behind a generic internal error', () => {
    const payload = toErrorPayload(new Error('secret database detail'));
    expect(payload.status).toBe(500);
    expect(payload.message).not.toContain('secret');
  });

  it('round-trips through JSON', () => {
    const original = AppError.notFound('CONTACT_NOT_FOUND', 'no such contact', { id: 'x' });
    const back = fromErrorPayload(JSON.parse(JSON.stringify(toErrorPayload(original))));
    expect(back).toBeInstanceOf(AppError);
    expect([back.kind, back.code, back.data]).toEqual(['NOT_FOUND', 'CONTACT_NOT_FOUND', { id: 'x' }]);
  });
});
