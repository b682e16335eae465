import { z } from 'zod';
import { connectionUrl, flag, hostPortList, intInRange, oneOf, optionalHttpUrl, port, positiveInt } from './variables';

// zod stops an object at a failure it cannot continue past (a type error, an aborted check): the
// rules across variables would then not run, and a boot would not show every problem at once.
describe('a variable that fails', () => {
  const failures: [string, z.ZodType<unknown, string | undefined>, string | undefined][] = [
    ['port', port(1, { description: 'd' }), 'x'],
    ['positiveInt', positiveInt(1, { description: 'd' }), '0'],
    ['oneOf', oneOf(['a', 'b'], 'a', { description: 'd' }), 'c'],
    ['flag', flag(false, { description: 'd' }), 'yes'],
    ['connectionUrl, unset', connectionUrl(['mongodb'], { description: 'd' }), undefined],
    ['connectionUrl', connectionUrl(['mongodb'], { description: 'd' }), 'http://x'],
    ['optionalHttpUrl', optionalHttpUrl({ description: 'd' }), 'ftp://x'],
    ['hostPortList', hostPortList({ description: 'd' }), 'kafka'],
    ['hostPortList, unset', hostPortList({ description: 'd' }), undefined],
    ['intInRange', intInRange(1, 3, { unit: 'days', description: 'd' }), '9'],
  ];

  it.each(failures)('(%s) lets the checks after it run', (_name, schema, input) => {
    const app = z.object({ A: schema }).superRefine((_values, context) => context.addIssue({ code: 'custom', message: 'the next check ran' }), { when: () => true });
    expect(app.safeParse({ A: input }).error?.issues.map((issue) => issue.message)).toEqual([expect.any(String), 'the next check ran']);
  });
});
