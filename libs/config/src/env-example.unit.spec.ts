import { renderEnvExample } from './env-example';
import { connectionUrl, optionalText, port } from './variables';

describe('renderEnvExample', () => {
  it('lists each app\'s variables under its heading, with description and default, required ones to fill in', () => {
    const text = renderEnvExample(
      [
        {
          app: 'api',
          about: 'the API.',
          variables: {
            PORT: port(3000, { description: 'port to listen on.' }),
            MONGODB_URL: connectionUrl(['mongodb'], { description: 'the read models.', example: 'mongodb://mongo:27017' }),
            INSTANCE_ID: optionalText({ description: 'names this replica.', unset: 'the host name' }),
          },
        },
      ],
      ['Generated.'],
    );
    expect(text).toBe(
      [
        '# Generated.',
        '',
        `# ${'='.repeat(98)}`,
        '# api: the API.',
        `# ${'='.repeat(98)}`,
        '',
        '# PORT: port to listen on. Default: 3000.',
        '# PORT=3000',
        '',
        '# MONGODB_URL: the read models. Required. Example: mongodb://mongo:27017',
        'MONGODB_URL=',
        '',
        '# INSTANCE_ID: names this replica. Unset: the host name.',
        '# INSTANCE_ID=',
        '',
      ].join('\n'),
    );
  });

  it('wraps long descriptions at 100 columns', () => {
    const text = renderEnvExample([{ app: 'a', about: 'b', variables: { X: port(1, { description: 'word '.repeat(60) }) } }], []);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
