// The proxy lives in scripts/lib so fault-run scripts and tests share it.
export * from '../../scripts/lib/tcp-proxy.js';
