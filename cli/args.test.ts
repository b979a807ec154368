import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './args.js';

const parse = (line: string) => parseCommandLine(line.split(' ').filter(Boolean), {});
function usageError(line: string): UsageError {
  try {
    parse(line);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`"${line}" parsed without an error`);
}

describe('syncline command line', () => {
  it('parses every command with its arguments', () => {
    expect(parse('connectors').command).toEqual({ name: 'connectors' });
    expect(parse('config check').command).toEqual({ name: 'config-check' });
    expect(parse('config check --config other.json').options.configFile).toBe('other.json');
    expect(parse('connector new loyalty-cards').command).toEqual({ name: 'connector-new', connector: 'loyalty-cards' });
    expect(parse('instances').command).toEqual({ name: 'instances' });
    expect(parse('instances demo-shop').command).toEqual({ name: 'instances', tenant: 'demo-shop' });
    expect(parse('webhooks').command).toEqual({ name: 'webhooks' });
    expect(parse('webhooks demo-shop --base-url https://abc.execute-api.eu-west-1.amazonaws.com').command).toEqual({
      name: 'webhooks',
      tenant: 'demo-shop',
      baseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
    });
    expect(parse('backfill demo-shop shopify --since 2024-01-31 --restart').command).toEqual({
      name: 'backfill',
      tenant: 'demo-shop',
      instance: 'shopify',
      since: new Date('2024-01-31'),
      restart: true,
    });
    expect(parse('profile demo-shop anna@example.com').command).toEqual({
      name: 'profile',
      tenant: 'demo-shop',
      emailOrId: 'anna@example.com',
    });
    expect(parse('dlq list --queue push').command).toEqual({ name: 'dlq', action: 'list', queue: 'push' });
    expect(parse('dlq replay --max 5').command).toEqual({ name: 'dlq', action: 'replay', max: 5 });
    expect(parse('quarantine replay demo-shop abc').command).toEqual({
      name: 'quarantine',
      action: 'replay',
      tenant: 'demo-shop',
      id: 'abc',
    });
    expect(parse('erase demo-shop anna@example.com --wait').command).toEqual({
      name: 'erase',
      tenant: 'demo-shop',
      identifier: { type: 'email', value: 'anna@example.com' },
      wait: true,
    });
    expect(parse('erase demo-shop --email anna@example.com').command).toMatchObject({
      identifier: { type: 'email', value: 'anna@example.com' },
    });
    expect(parse('erase demo-shop --phone +31612345678').command).toMatchObject({ identifier: { type: 'phone', value: '+31612345678' } });
    expect(parse('erase demo-shop --customer shopify:5150').command).toMatchObject({
      identifier: { type: 'customerId:shopify', value: '5150' },
    });
    expect(parse('erasures demo-shop').command).toEqual({ name: 'erasures', tenant: 'demo-shop' });
    expect(parse('erasure demo-shop shop/redact:954889 --json').command).toEqual({
      name: 'erasure',
      tenant: 'demo-shop',
      requestId: 'shop/redact:954889',
    });
    expect(parse('uplift demo-shop winback').command).toEqual({ name: 'uplift', tenant: 'demo-shop', campaign: 'winback' });
    expect(parse('accounting').command).toEqual({ name: 'accounting' });
    expect(parse('accounting demo-shop --json').command).toEqual({ name: 'accounting', tenant: 'demo-shop' });
    expect(parse('migrate --stage prod').command).toEqual({ name: 'migrate' });
  });

  it('takes the global options before or after the command', () => {
    const { command, options } = parse('--stage prod --json instances demo-shop --state-file /tmp/s.json');
    expect(command).toEqual({ name: 'instances', tenant: 'demo-shop' });
    expect(options).toEqual({ json: true, stage: 'prod', stateFile: '/tmp/s.json', configFile: 'syncline.config.json' });
    expect(parse('instances --stage=dev').options.stage).toBe('dev');
    expect(parseCommandLine(['instances'], { SYNCLINE_STATE_FILE: '/x.json' }).options.stateFile).toBe('/x.json');
  });

  it('hands start its arguments untouched', () => {
    expect(parse('start --port 8080 --demo').command).toEqual({ name: 'start', args: ['--port', '8080', '--demo'] });
  });

  it('answers help for the tool and for each command', () => {
    expect(parse('--help').command).toEqual({ name: 'help' });
    expect(parse('help backfill').command).toEqual({ name: 'help', topic: 'backfill' });
    expect(parse('profile --help').command).toEqual({ name: 'help', topic: 'profile' });
  });

  it.each([
    ['', /give a command/],
    ['frobnicate', /unknown command "frobnicate"/],
    ['profile demo-shop', /profile: missing <email\|profile-id>/],
    ['profile', /profile: missing <tenant> <email\|profile-id>/],
    ['profile a b c', /unexpected argument "c"/],
    ['backfill demo-shop', /missing <instance>/],
    ['backfill demo-shop shopify --since yesterday', /--since must be a date/],
    ['dlq', /give list or replay/],
    ['dlq purge', /unknown subcommand "purge"/],
    ['dlq list --queue nope', /--queue must be changes or push/],
    ['dlq replay --max 0', /--max must be a positive whole number/],
    ['dlq list --max 3', /--max applies to replay only/],
    ['quarantine list', /missing <tenant>/],
    ['quarantine list shop extra', /takes only the tenant/],
    ['erase demo-shop', /give the person's <email>, --phone or --customer/],
    ['erase demo-shop a@example.com --phone +31612345678', /one of/],
    ['erase demo-shop --customer 5150', /<source>:<id>/],
    ['erase demo-shop not-an-address', /not an e-mail address/],
    ['erasures', /missing <tenant>/],
    ['erasure demo-shop', /missing <request-id>/],
    ['uplift demo-shop', /missing <campaign>/],
    ['accounting demo-shop extra', /unexpected argument "extra"/],
    ['migrate demo-shop', /unexpected argument "demo-shop"/],
    ['connector', /give "new <name>"/],
    ['connector new', /missing <name>/],
    ['instances --stage staging', /--stage must be one of dev, prod/],
    ['instances --verbose', /Unknown option '--verbose'/],
  ])('refuses "%s" with a reason and the usage', (line, reason) => {
    const error = usageError(line);
    expect(error.message).toMatch(reason);
    expect(error.usage).toMatch(/^usage: syncline/);
  });
});
