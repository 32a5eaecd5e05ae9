import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configFromEnv,
  configHash,
  loadConfig,
  redactConfig,
} from '../../agent/config/index.js';
import { captureLogger } from '../helpers/log.js';
import { tempDir } from '../helpers/tmp.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has a default for every key', () => {
    const cfg = loadConfig({});
    expect(cfg.terminal.id).toBe('TERM0001');
    expect(cfg.store.synchronous).toBe('full');
    expect(cfg.display).toMatchObject({ driver: 'console', width: 20, height: 4 });
    expect(cfg.broker.url).toBe('embedded');
  });

  it('layers file < environment < flags', () => {
    const dir = tempDir('cfg-');
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, 'terminal:\n  id: FILE01\nfleet: f1\ndisplay:\n  width: 32\n  height: 8\n');
    const cfg = loadConfig({
      file,
      env: {
        POS_AGENT_FLEET: 'envfleet',
        POS_AGENT_DISPLAY_WIDTH: '16',
        POS_AGENT_TERMINAL_MERCHANT_ID: 'M1',
      },
      flags: { display: { width: 40 } },
    });
    expect(cfg.terminal.id).toBe('FILE01');
    expect(cfg.terminal.merchant_id).toBe('M1');
    expect(cfg.fleet).toBe('envfleet');
    expect(cfg.display.width).toBe(40);
    expect(cfg.display.height).toBe(8);
  });

  it('reads JSON files too', () => {
    const dir = tempDir('cfg-');
    const file = join(dir, 'agent.json');
    writeFileSync(file, JSON.stringify({ language: { cashier: 'fi' } }));
    expect(loadConfig({ file }).language.cashier).toBe('fi');
  });

  it('maps environment variables to nested keys, converting numbers and booleans', () => {
    expect(
      configFromEnv({ POS_AGENT_SERIAL_TPDU: 'true', POS_AGENT_STORE_BUDGET_MB: '12', OTHER: 'x' }),
    ).toEqual({
      serial: { tpdu: true },
      store: { budget_mb: 12 },
    });
  });

  it('coerces an environment value by the type of its key: all-digit strings stay strings', () => {
    const cfg = loadConfig({
      env: {
        POS_AGENT_TERMINAL_MERCHANT_ID: '123456789012345',
        POS_AGENT_TERMINAL_ID: '00001234',
        POS_AGENT_BROKER_PASSWORD: '0012345678',
        POS_AGENT_BROKER_USERNAME: '42',
        POS_AGENT_DECLINES_CARD_KEY: '12345678901234567890123456789012',
        POS_AGENT_FLEET: '007',
        POS_AGENT_TERMINAL_MERCHANT_NAME: 'true',
        POS_AGENT_DISPLAY_WIDTH: '32',
        POS_AGENT_SIMULATE_ENABLED: 'true',
        POS_AGENT_SIMULATE_RATE: '2.5',
        POS_AGENT_PRINTER_COLUMNS: '42',
      },
    });
    expect(cfg.terminal.merchant_id).toBe('123456789012345');
    expect(cfg.terminal.id).toBe('00001234');
    expect(cfg.broker.password).toBe('0012345678');
    expect(cfg.broker.username).toBe('42');
    expect(cfg.declines.card_key).toBe('12345678901234567890123456789012');
    expect(cfg.fleet).toBe('007');
    expect(cfg.terminal.merchant_name).toBe('true');
    expect(cfg.display.width).toBe(32);
    expect(cfg.simulate.enabled).toBe(true);
    expect(cfg.simulate.rate).toBe(2.5);
    expect(cfg.printer.columns).toBe(42);
  });

  it("an environment value that is not of its key's type is refused naming the key", () => {
    const e = errorOf(() => loadConfig({ env: { POS_AGENT_SERIAL_TPDU: 'yes' } }));
    expect(e.key).toBe('serial.tpdu');
    expect(errorOf(() => loadConfig({ env: { POS_AGENT_DISPLAY_WIDTH: '0x20' } })).key).toBe('display.width');
  });

  it.each([
    [{ flags: { display: { width: 5 } } }, 'display.width', 5],
    [{ env: { POS_AGENT_DISPLAY_HEIGHT: 'tall' } }, 'display.height', 'tall'],
    [{ flags: { language: { cashier: 'xxx' } } }, 'language.cashier', 'xxx'],
    [{ flags: { store: { synchronous: 'sometimes' } } }, 'store.synchronous', 'sometimes'],
    [{ flags: { store: { pathh: 'x.db' } } }, 'store.pathh', 'x.db'],
    [{ flags: { terminal: { id: 'a/b' } } }, 'terminal.id', 'a/b'],
    [{ flags: { broker: { url: 'http://example.com' } } }, 'broker.url', 'http://example.com'],
    [{ env: { POS_AGENT_BROKER_URL: 'foo' } }, 'broker.url', 'foo'],
    [{ flags: { printer: { columns: 40 } } }, 'printer.columns', 40],
    [{ env: { POS_AGENT_PRINTER_COLUMNS: '64' } }, 'printer.columns', 64],
  ])('rejects a bad value naming the key: %j', (opts, key, value) => {
    const e = errorOf(() => loadConfig(opts));
    expect(e.code).toBe('E_CONFIG');
    expect(e.key).toBe(key);
    expect(e.value).toEqual(value);
    expect(e.message).toContain(key);
    expect(e.reason.length).toBeGreaterThan(3);
  });

  it('shows a refused value with its bidi controls escaped, so the line reads as written', () => {
    const e = errorOf(() => loadConfig({ flags: { terminal: { merchant_name: 'A\u202eB\u2066C' } } }));
    expect(e.message).toBe(
      'config terminal.merchant_name = "A\\u202eB\\u2066C": control characters are not allowed',
    );
  });

  it("a file whose only key is an object's inherited name is not a config", () => {
    const file = join(tempDir('cfg-'), 'foreign.json');
    for (const key of ['constructor', 'toString']) {
      writeFileSync(file, JSON.stringify({ [key]: 'x' }));
      expect(errorOf(() => loadConfig({ file })).message).toContain('not a pos-agent config');
    }
  });

  it('names the file when it cannot be read or parsed', () => {
    expect(errorOf(() => loadConfig({ file: '/nonexistent/agent.yaml' })).message).toContain(
      '/nonexistent/agent.yaml',
    );
    const dir = tempDir('cfg-');
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ nope');
    expect(errorOf(() => loadConfig({ file })).message).toMatch(/not valid JSON/);
  });

  it('never prints secrets, in errors or in the effective config', () => {
    const e = errorOf(() => loadConfig({ flags: { declines: { card_key: 'not-hex-secret-value' } } }));
    expect(e.message).not.toContain('not-hex-secret-value');
    const cfg = loadConfig({ flags: { broker: { password: 'hunter2', username: 'u' } } });
    const shown = JSON.stringify(redactConfig(cfg));
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('"username":"u"');
    // the hash does not depend on the secret either
    const other = loadConfig({ flags: { broker: { password: 'different', username: 'u' } } });
    expect(configHash(cfg)).toBe(configHash(other));
    expect(configHash(cfg)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('accepts the broker URLs MQTT.js takes, and masks a password inside one', () => {
    for (const url of [
      'embedded',
      'none',
      'mqtt://127.0.0.1:1883',
      'mqtts://b.example:8883',
      'wss://b.example/mqtt',
    ])
      expect(loadConfig({ flags: { broker: { url } } }).broker.url).toBe(url);
    const cfg = loadConfig({ flags: { broker: { url: 'mqtt://user:hunter2@b.example:1883' } } });
    expect(JSON.stringify(redactConfig(cfg))).not.toContain('hunter2');
    expect(JSON.stringify(redactConfig(cfg))).toContain('mqtt://user:***@b.example:1883');
    const e = errorOf(() => loadConfig({ flags: { broker: { url: 'http://user:hunter2@b.example' } } }));
    expect(e.message).not.toContain('hunter2');
    // and in log lines: the url and broker fields are logged without it
    const { lines, logger: log } = captureLogger({ level: 'info' });
    log.info({ event: 'x', url: 'mqtt://user:hunter2@b.example', broker: 'mqtts://a:hunter2@c' }, 'm');
    expect(lines.join('')).not.toContain('hunter2');
    expect(lines.join('')).toContain('mqtt://user:***@b.example');
  });
});
