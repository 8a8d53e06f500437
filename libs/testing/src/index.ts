export * from './database';
export * from './platform';
export * from './processes';
export * from './tokens';
