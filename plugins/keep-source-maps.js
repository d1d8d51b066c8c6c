'use strict';

const { copyFileSync, mkdirSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Source maps beside the zips, not in them. esbuild writes each handler's map next
 * to its bundle (custom.esbuild.sourcemap: external, so the bundle names no map);
 * this leaves the maps out of every function's zip and copies them to
 * <package dir>/sourcemaps/<handler>.js.map (.serverless/ unless --package says
 * otherwise). A deployed function then loads no map and parses none at cold start,
 * and its stack traces keep the names (keepNames) with positions in handler.js that
 * the kept map translates (README "Bundles").
 */
const MAPS = 'handlers/*.js.map';

class KeepSourceMaps {
  constructor(serverless) {
    const leaveMapsOut = () => {
      for (const name of serverless.service.getAllFunctions()) {
        const fn = serverless.service.getFunction(name);
        fn.package = { ...fn.package, patterns: [...(fn.package?.patterns ?? []), `!${MAPS}`] };
      }
    };
    this.hooks = {
      'before:package:initialize': leaveMapsOut,
      // `sls deploy function` zips one function without the package lifecycle.
      'before:deploy:function:initialize': leaveMapsOut,
      // After serverless-esbuild's hook of the same name (plugins run in the order
      // serverless.yml lists them): the bundles are built and zipped, not yet removed.
      'before:package:createDeploymentArtifacts': () => {
        const esbuild = serverless.pluginManager.plugins.find((p) => p.constructor?.name === 'EsbuildServerlessPlugin');
        if (!esbuild?.buildDirPath) {
          throw new serverless.classes.Error('keep-source-maps: serverless-esbuild must be listed before it');
        }
        const from = join(esbuild.buildDirPath, 'handlers');
        // osls moves .serverless to --package's directory when given one.
        const to = join(esbuild.serviceDirPath, '.serverless', 'sourcemaps');
        mkdirSync(to, { recursive: true });
        for (const file of readdirSync(from).filter((f) => f.endsWith('.js.map'))) {
          copyFileSync(join(from, file), join(to, file));
        }
      },
    };
  }
}

module.exports = KeepSourceMaps;
