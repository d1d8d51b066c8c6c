/**
 * Powertools Tracer and its middy middleware, the X-Ray SDK under them: what
 * lib/aws/tracing.ts loads on the first traced invocation. In the deployed zips this
 * module is a file of its own, `handlers/tracer.js` beside each handler
 * (plugins/esbuild-plugins.js builds it), so a cold start never parses it.
 */
export { Tracer } from '@aws-lambda-powertools/tracer';
export { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
