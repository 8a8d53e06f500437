export * from './database';
export * from './platform';
export * from './processes';
export * from './tokens';
export * from './oauth-flow';
export * from './web-client';
export * from './service-infra';
