'use strict';

const { existsSync } = require('node:fs');
const { readFile } = require('node:fs/promises');
const { join } = require('node:path');

/**
 * esbuild plugins of the function bundles (serverless.yml custom.esbuild.plugins;
 * bench/bundle.ts and the stack tests use the same list).
 *
 * sdkSchemaLiteralKeys: since about 3.930 every AWS SDK v3 client describes its
 * shapes in one generated dist-es/schemas/schemas_0.js, and writes trait keys as
 * computed keys over string constants of the same file (`{ [_xN]: _aT }`). esbuild
 * must assume a computed key can run code (toString), so it keeps every schema that
 * has one: @aws-sdk/client-ec2 adds about 550 KB to a bundle for two commands
 * (aws/aws-sdk-js-v3#7607). The rewrite puts the constant's string in place of the
 * key (`{ "xmlName": _aT }`), the same object, and the unused schemas fall away:
 * EC2 shrinks to about 15 KB. It is what smithy-typescript's open PR #1889 changes
 * in the generator; once the SDK ships that, the plugin finds nothing to rewrite.
 * A key whose constant is not a plain string literal of the file is left as it is.
 */
const SCHEMA_FILE = /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](?:.+[\\/])?schemas[\\/]schemas_\d+\.js$/;
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
const COMPUTED_KEY = /\[(_\w+)\]:/g;

/** The schema file's text with every computed key over one of its string constants made literal. */
function literalKeys(text) {
  const constants = new Map();
  for (const [, name, literal] of text.matchAll(STRING_CONSTANT)) constants.set(name, literal);
  return text.replace(COMPUTED_KEY, (whole, name) => {
    const literal = constants.get(name);
    return literal === undefined ? whole : `${literal}:`;
  });
}

// Every function's build loads the same schema files (EC2's is 1.3 MB): rewrite each once.
const rewritten = new Map();

const sdkSchemaLiteralKeys = {
  name: 'sdk-schema-literal-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_FILE }, async (args) => {
      let contents = rewritten.get(args.path);
      if (contents === undefined) {
        contents = readFile(args.path, 'utf8').then(literalKeys);
        rewritten.set(args.path, contents);
      }
      return { contents: await contents, loader: 'js' };
    });
  },
};

/**
 * tracerBeside: Powertools Tracer and the X-Ray SDK (lib/aws/tracer-chunk.ts) as a
 * file of their own, `tracer.js` in the handlers' output folder, which
 * serverless-esbuild puts in every function's zip. lib/aws/tracing.ts requires it on
 * the first traced invocation (serverless.yml defines EKS_UPGRADE_AGENT_TRACER_FILE as
 * "beside", so the handler's bundle leaves it out): bundled in, its 134 KB would be
 * parsed at every cold start though it runs only when traced. Built with the
 * handlers' own options, once per output folder, after a handler's build succeeds;
 * a build that writes nothing (bench/bundle.ts's metafile builds) gets none.
 */
const TRACER_ENTRY = join(__dirname, '..', 'lib', 'aws', 'tracer-chunk.ts');
const tracerBuilds = new Map();

const tracerBeside = {
  name: 'tracer-beside',
  setup(build) {
    const options = build.initialOptions;
    if (!options.outdir || options.write === false) return;
    const outfile = join(options.outdir, 'tracer.js');
    build.onEnd(async (result) => {
      if (result.errors.length === 0) await ensureTracer(build.esbuild, options, outfile);
    });
  },
};

/**
 * The handlers of one package build side by side: each call waits for the one before it
 * and builds only if nothing was built yet (a file left by an earlier process may be
 * stale), the earlier build failed, or the file is gone since (a watch rebuild).
 */
function ensureTracer(esbuild, options, outfile) {
  const next = (tracerBuilds.get(outfile) ?? Promise.resolve(false))
    .catch(() => false)
    .then((built) => (built && existsSync(outfile) ? true : buildTracer(esbuild, options, outfile)));
  tracerBuilds.set(outfile, next);
  return next;
}

async function buildTracer(esbuild, options, outfile) {
  await esbuild.build({
    entryPoints: [TRACER_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: options.target,
    mainFields: options.mainFields,
    minify: options.minify,
    keepNames: options.keepNames,
    sourcemap: options.sourcemap,
    sourcesContent: options.sourcesContent,
    logLevel: 'warning',
  });
  return true;
}

module.exports = [sdkSchemaLiteralKeys, tracerBeside];
module.exports.literalKeys = literalKeys;
module.exports.SCHEMA_FILE = SCHEMA_FILE;
