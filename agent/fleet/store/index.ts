/** The fleet store: the interface, and opening it on SQLite (a file) or PostgreSQL (a URL). */
export * from './types.js';
export { sqliteFleetStore } from './sqlite.js';
export { openPgFleetStore, pgFleetStore } from './postgres.js';
